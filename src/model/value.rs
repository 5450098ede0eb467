//! How Terraform reads a backend argument's expression, without evaluating anything.
//!
//! The backend block is decoded with no evaluation context, so only literals are meaningful:
//! anything that refers to something or calls a function is an error (TFB601), and the value
//! rules treat it as unknown.

use std::ops::Range;

use hcl_edit::expr::{Expression, Object};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span;

/// A literal value as Terraform's type conversion sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Literal<'a> {
    Null,
    Bool(bool),
    Number(f64),
    Str(&'a str),
    Array,
    Object(&'a Object),
    /// Contains a reference, interpolation or function call: not known statically.
    Dynamic,
}

impl<'a> Literal<'a> {
    pub fn of(expr: &'a Expression) -> Literal<'a> {
        if dynamic_part(expr).is_some() {
            return Literal::Dynamic;
        }
        match expr {
            Expression::Null(_) => Literal::Null,
            Expression::Bool(b) => Literal::Bool(*b.value()),
            Expression::Number(n) => Literal::Number(n.value().as_f64().unwrap_or(f64::NAN)),
            Expression::String(s) => Literal::Str(s.value().as_str()),
            Expression::Array(_) => Literal::Array,
            Expression::Object(o) => Literal::Object(o),
            Expression::Parenthesis(p) => Literal::of(p.inner()),
            // Static templates (heredocs without interpolation), operators on literals, and
            // conditionals on literals: evaluable, but not worth modelling. Treat as unknown.
            _ => Literal::Dynamic,
        }
    }

    /// The boolean Terraform converts this value to, if it converts: `true`, `false`, and the
    /// strings `"true"`, `"false"`, `"1"`, `"0"` (cty's string → bool conversion).
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Literal::Bool(b) => Some(b),
            Literal::Str("true" | "1") => Some(true),
            Literal::Str("false" | "0") => Some(false),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&'a str> {
        match *self {
            Literal::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_dynamic(&self) -> bool {
        matches!(self, Literal::Dynamic)
    }

    /// A short description for messages: `false`, `"no"`, `a number`.
    pub fn describe(&self) -> String {
        match self {
            Literal::Null => "null".into(),
            Literal::Bool(b) => b.to_string(),
            Literal::Number(_) => "a number".into(),
            Literal::Str(s) if s.chars().count() <= 40 => format!("{s:?}"),
            Literal::Str(_) => "a string".into(),
            Literal::Array => "a list".into(),
            Literal::Object(_) => "an object".into(),
            Literal::Dynamic => "an expression".into(),
        }
    }
}

/// What makes an expression dynamic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DynamicKind {
    /// `var.x`, `local.x`, `path.module`, `terraform.workspace`, a bare name.
    Reference,
    /// `"${…}"` or `%{…}` in a string or heredoc.
    Interpolation,
    /// `f(…)`.
    FunctionCall,
    /// `[for …]`, `{for …}`.
    ForExpression,
}

/// A part of an expression that Terraform cannot evaluate in a backend block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamicPart {
    pub kind: DynamicKind,
    pub span: Range<usize>,
    /// For references: the root name (`var`, `local`, `path`, `terraform`, …).
    pub root: Option<String>,
}

/// The first (outermost, leftmost) dynamic part of `expr`, if any.
pub fn dynamic_part(expr: &Expression) -> Option<DynamicPart> {
    let part = |kind, span: Option<Range<usize>>, root: Option<String>| {
        Some(DynamicPart {
            kind,
            span: span.unwrap_or(0..0),
            root,
        })
    };
    match expr {
        Expression::Null(_)
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_) => None,
        Expression::Variable(v) => part(
            DynamicKind::Reference,
            expr.span(),
            Some(v.value().as_str().to_string()),
        ),
        Expression::Traversal(t) => {
            let root = match &t.expr {
                Expression::Variable(v) => Some(v.value().as_str().to_string()),
                _ => None,
            };
            match root {
                Some(root) => part(DynamicKind::Reference, expr.span(), Some(root)),
                None => dynamic_part(&t.expr),
            }
        }
        Expression::FuncCall(_) => part(DynamicKind::FunctionCall, expr.span(), None),
        Expression::ForExpr(_) => part(DynamicKind::ForExpression, expr.span(), None),
        Expression::StringTemplate(t) => template_dynamic(t, expr.span()),
        Expression::HeredocTemplate(h) => template_dynamic(&h.template, expr.span()),
        Expression::Array(a) => a.iter().find_map(dynamic_part),
        Expression::Object(o) => o.iter().find_map(|(k, v)| {
            k.as_expr()
                .and_then(dynamic_part)
                .or_else(|| dynamic_part(v.expr()))
        }),
        Expression::Parenthesis(p) => dynamic_part(p.inner()),
        Expression::Conditional(c) => dynamic_part(&c.cond_expr)
            .or_else(|| dynamic_part(&c.true_expr))
            .or_else(|| dynamic_part(&c.false_expr)),
        Expression::UnaryOp(u) => dynamic_part(&u.expr),
        Expression::BinaryOp(b) => dynamic_part(&b.lhs_expr).or_else(|| dynamic_part(&b.rhs_expr)),
    }
}

fn template_dynamic(template: &Template, whole: Option<Range<usize>>) -> Option<DynamicPart> {
    template.iter().find_map(|element| match element {
        Element::Literal(_) => None,
        Element::Interpolation(i) => {
            let root = dynamic_part(&i.expr).and_then(|p| p.root);
            Some(DynamicPart {
                kind: DynamicKind::Interpolation,
                span: i.span().or_else(|| whole.clone()).unwrap_or(0..0),
                root,
            })
        }
        Element::Directive(d) => Some(DynamicPart {
            kind: DynamicKind::Interpolation,
            span: d.span().or_else(|| whole.clone()).unwrap_or(0..0),
            root: None,
        }),
    })
}

/// The value of key `name` in an object literal (identifier or string key).
pub fn object_get<'a>(object: &'a Object, name: &str) -> Option<(Range<usize>, &'a Expression)> {
    object.iter().find_map(|(key, value)| {
        let key_name = match key {
            hcl_edit::expr::ObjectKey::Ident(ident) => Some(ident.value().as_str()),
            hcl_edit::expr::ObjectKey::Expression(Expression::String(s)) => {
                Some(s.value().as_str())
            }
            _ => None,
        };
        (key_name == Some(name)).then(|| (key.span().unwrap_or(0..0), value.expr()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(src: &str) -> Expression {
        hcl_edit::parser::parse_expr(src).unwrap()
    }

    #[test]
    fn literals_and_bool_conversion() {
        assert_eq!(Literal::of(&expr("true")).as_bool(), Some(true));
        assert_eq!(Literal::of(&expr("\"true\"")).as_bool(), Some(true));
        assert_eq!(Literal::of(&expr("\"1\"")).as_bool(), Some(true));
        assert_eq!(Literal::of(&expr("\"no\"")).as_bool(), None);
        assert_eq!(Literal::of(&expr("false")).as_bool(), Some(false));
        assert_eq!(Literal::of(&expr("1")).as_bool(), None);
        assert_eq!(Literal::of(&expr("(true)")).as_bool(), Some(true));
        assert!(Literal::of(&expr("var.x")).is_dynamic());
    }

    #[test]
    fn finds_the_first_dynamic_part() {
        let src = "{ s3 = \"https://${var.region}.x\" }";
        let e = expr(src);
        let p = dynamic_part(&e).unwrap();
        assert_eq!(p.kind, DynamicKind::Interpolation);
        assert_eq!(&src[p.span.clone()], "${var.region}");
        assert_eq!(p.root.as_deref(), Some("var"));

        let src = "lower(\"X\")";
        let p = dynamic_part(&expr(src)).unwrap();
        assert_eq!((p.kind, &src[p.span]), (DynamicKind::FunctionCall, src));

        let src = "terraform.workspace";
        let p = dynamic_part(&expr(src)).unwrap();
        assert_eq!(p.root.as_deref(), Some("terraform"));
        assert_eq!(dynamic_part(&expr("[\"a\", 1, null]")), None);
    }

    #[test]
    fn object_keys_by_ident_or_string() {
        let e = expr("{ s3 = \"a\", \"iam\" = \"b\" }");
        let o = e.as_object().unwrap();
        assert_eq!(object_get(o, "s3").unwrap().1.as_str(), Some("a"));
        assert_eq!(object_get(o, "iam").unwrap().1.as_str(), Some("b"));
        assert!(object_get(o, "sts").is_none());
    }
}
