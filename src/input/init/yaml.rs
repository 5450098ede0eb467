//! A small YAML tree with byte spans, built from `saphyr-parser` events, and
//! the mapping of scalar values back to file offsets.

use crate::input::init::chunk::Chunk;
use crate::input::init::ExtractError;
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;
use std::ops::Range;

/// Nesting deeper than this is replaced by `Node::Null` (CI files need ~8).
const MAX_DEPTH: usize = 64;
/// Cap on nodes copied when resolving aliases (billion-laughs guard).
const MAX_ALIAS_NODES: usize = 100_000;

#[derive(Debug, Clone)]
pub(crate) enum Node {
    Scalar {
        value: String,
        style: ScalarStyle,
        span: Range<usize>,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    Null,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(m) => m
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }
    pub fn entries(&self) -> &[(Node, Node)] {
        match self {
            Node::Map(m) => m,
            _ => &[],
        }
    }
    fn size(&self) -> usize {
        match self {
            Node::Seq(v) => 1 + v.iter().map(Node::size).sum::<usize>(),
            Node::Map(m) => 1 + m.iter().map(|(k, v)| k.size() + v.size()).sum::<usize>(),
            _ => 1,
        }
    }
}

/// Converts the parser's char indices to byte offsets.
struct Offsets(Option<Vec<usize>>);

impl Offsets {
    fn new(text: &str) -> Self {
        if text.is_ascii() {
            Offsets(None)
        } else {
            let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
            v.push(text.len());
            Offsets(Some(v))
        }
    }
    fn byte(&self, char_index: usize) -> usize {
        match &self.0 {
            None => char_index,
            Some(v) => v
                .get(char_index)
                .copied()
                .unwrap_or_else(|| *v.last().unwrap_or(&0)),
        }
    }
}

enum Frame {
    Seq(Vec<Node>, usize),
    Map(Vec<(Node, Node)>, Option<Node>, usize),
    /// A collection nested too deep: its content is dropped.
    Skipped,
}

/// Parse every document of `text`.
pub(crate) fn parse(text: &str) -> Result<Vec<Node>, ExtractError> {
    let offs = Offsets::new(text);
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut alias_budget = MAX_ALIAS_NODES;
    let mut parser = Parser::new_from_str(text);
    while let Some(ev) = parser.next_event() {
        let (ev, span) = ev.map_err(|e| {
            let at = offs.byte(e.marker().index());
            ExtractError {
                message: format!("invalid YAML: {}", e.info()),
                span: Some(at..at),
            }
        })?;
        // Frames at index MAX_DEPTH and deeper are `Skipped`.
        let skipping = stack.len() > MAX_DEPTH;
        let node = match ev {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let is_seq = matches!(ev, Event::SequenceStart(..));
                stack.push(if skipping || stack.len() >= MAX_DEPTH {
                    Frame::Skipped
                } else if is_seq {
                    Frame::Seq(Vec::new(), anchor)
                } else {
                    Frame::Map(Vec::new(), None, anchor)
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(v, a)) => anchored(&mut anchors, a, Node::Seq(v)),
                Some(Frame::Map(m, _, a)) => anchored(&mut anchors, a, Node::Map(m)),
                _ => Node::Null,
            },
            Event::Scalar(value, style, anchor, _) => {
                if skipping {
                    continue;
                }
                let span = offs.byte(span.start.index())..offs.byte(span.end.index());
                anchored(
                    &mut anchors,
                    anchor,
                    Node::Scalar {
                        value: value.into_owned(),
                        style,
                        span,
                    },
                )
            }
            Event::Alias(id) => {
                let n = anchors.get(&id).cloned().unwrap_or(Node::Null);
                let size = n.size();
                if size > alias_budget {
                    Node::Null
                } else {
                    alias_budget -= size;
                    n
                }
            }
            Event::DocumentStart(_) => {
                anchors.clear();
                continue;
            }
            _ => continue,
        };
        match stack.last_mut() {
            None => docs.push(node),
            Some(Frame::Seq(v, _)) => v.push(node),
            Some(Frame::Map(m, key, _)) => match key.take() {
                None => *key = Some(node),
                Some(k) => m.push((k, node)),
            },
            Some(Frame::Skipped) => {}
        }
    }
    Ok(docs)
}

fn anchored(anchors: &mut HashMap<usize, Node>, id: usize, n: Node) -> Node {
    if id != 0 {
        anchors.insert(id, n.clone());
    }
    n
}

/// Shell text of a scalar, mapped back to the file as exactly as its style allows.
pub(crate) fn scalar_chunk(
    text: &str,
    value: &str,
    style: ScalarStyle,
    span: &Range<usize>,
) -> Chunk {
    let src = text.get(span.clone()).unwrap_or("");
    match style {
        ScalarStyle::Plain if src == value => return Chunk::verbatim(value, span.start),
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
            if src.len() == value.len() + 2 && &src[1..src.len() - 1] == value =>
        {
            return Chunk::verbatim(value, span.start + 1);
        }
        ScalarStyle::Literal => {
            if let Some(c) = literal_chunk(text, value, span.start) {
                return c;
            }
        }
        _ => {}
    }
    Chunk::approx(value.to_string(), span.clone())
}

/// Block literal: each value line is a source line minus its indentation.
fn literal_chunk(text: &str, value: &str, start: usize) -> Option<Chunk> {
    let mut b = Chunk::builder();
    // Start of the source line holding the first content character.
    let mut cursor = text.get(..start)?.rfind('\n').map_or(0, |k| k + 1);
    for vl in value.split_inclusive('\n') {
        let (content, nl) = match vl.strip_suffix('\n') {
            Some(c) => (c, true),
            None => (vl, false),
        };
        if cursor > text.len() {
            return None;
        }
        let line_end = text[cursor..].find('\n').map_or(text.len(), |k| cursor + k);
        let sline = text[cursor..line_end]
            .strip_suffix('\r')
            .unwrap_or(&text[cursor..line_end]);
        if content.is_empty() {
            if !sline.trim().is_empty() {
                return None;
            }
        } else {
            let indent = sline.len().checked_sub(content.len())?;
            if !sline.ends_with(content)
                || !sline[..indent].bytes().all(|c| c == b' ' || c == b'\t')
            {
                return None;
            }
            b.push_verbatim(content, cursor + indent);
        }
        if nl {
            if line_end < text.len() {
                b.push_char('\n', line_end);
            } else {
                // Chomping added a newline the file lacks.
                b.push_char('\n', text.len().saturating_sub(1));
            }
            cursor = line_end + 1;
        }
    }
    Some(b.finish(cursor.min(text.len())))
}
