use super::common::*;

const SH: SourceKind = SourceKind::Shell;

#[test]
fn equals_forms_and_spans() {
    let src = "terraform init -backend-config=prod.tfbackend -backend-config=\"bucket=my-b\" --backend-config='key=a/b.tfstate'\n";
    let c = one(SH, src);
    assert_eq!(c.engine, Engine::Terraform);
    assert_eq!(at(src, &c.binary_span), "terraform");
    assert_eq!(at(src, &c.span), &src[..src.len() - 1]);
    assert_eq!(
        args(src, &c),
        [
            "-backend-config=prod.tfbackend",
            "-backend-config=\"bucket=my-b\"",
            "--backend-config='key=a/b.tfstate'"
        ]
    );
    assert_eq!(
        file(src, &c.backend_configs[0]),
        ("prod.tfbackend".into(), false, "prod.tfbackend".into())
    );
    assert_eq!(
        setting(src, &c.backend_configs[1]),
        ("bucket".into(), "bucket".into(), lit("my-b"), "my-b".into())
    );
    assert_eq!(
        setting(src, &c.backend_configs[2]),
        (
            "key".into(),
            "key".into(),
            lit("a/b.tfstate"),
            "a/b.tfstate".into()
        )
    );
    assert_eq!(c.working_dir, known(DirBase::Invocation, ""));
}

#[test]
fn separate_value_argument() {
    let src =
        "tofu init -backend-config backend.hcl --backend-config \"region=nyc3\" -input=false\n";
    let c = one(SH, src);
    assert_eq!(c.engine, Engine::Tofu);
    assert_eq!(
        args(src, &c),
        [
            "-backend-config backend.hcl",
            "--backend-config \"region=nyc3\""
        ]
    );
    assert_eq!(file(src, &c.backend_configs[0]).2, "backend.hcl");
    assert_eq!(setting(src, &c.backend_configs[1]).3, "nyc3");
    assert_eq!(at(src, &c.span), &src[..src.len() - 1]);
}

#[test]
fn value_with_second_equals_splits_at_first() {
    let src =
        "terraform init -backend-config=endpoints={s3=\"https://nyc3.digitaloceanspaces.com\"}";
    let c = one(SH, src);
    let (k, _, v, vt) = setting(src, &c.backend_configs[0]);
    assert_eq!(k, "endpoints");
    assert_eq!(v, lit("{s3=https://nyc3.digitaloceanspaces.com}"));
    assert_eq!(vt, "{s3=\"https://nyc3.digitaloceanspaces.com\"}");
}

#[test]
fn empty_value() {
    let src = "terraform init -backend-config=\"\"\nterraform init -backend-config= -backend-config=a.hcl\n";
    let v = all(SH, src);
    assert_eq!(v.len(), 2);
    assert!(matches!(
        v[0].backend_configs[0].value,
        BackendConfigValue::Empty { .. }
    ));
    assert!(v[0].clears_overrides());
    assert_eq!(args(src, &v[0]), ["-backend-config=\"\""]);
    assert!(!v[1].clears_overrides());
    assert_eq!(v[1].backend_configs.len(), 2);
}

#[test]
fn dynamic_values() {
    let src = r#"terraform init \
  -backend-config="access_key=$SPACES_KEY" \
  -backend-config="bucket=${BUCKET}" \
  -backend-config=key=$(cat keyfile) \
  -backend-config='region=$LITERAL' \
  -backend-config=$BACKEND_FILE \
  -backend-config=envs/${ENV}.tfbackend \
  -backend-config=`pwd`/x.hcl
"#;
    let c = one(SH, src);
    let d = SettingValue::Dynamic { secret_ref: false };
    assert_eq!(
        setting(src, &c.backend_configs[0]),
        (
            "access_key".into(),
            "access_key".into(),
            d.clone(),
            "$SPACES_KEY".into()
        )
    );
    assert_eq!(setting(src, &c.backend_configs[1]).2, d);
    assert_eq!(setting(src, &c.backend_configs[2]).3, "$(cat keyfile)");
    // Single quotes: no expansion.
    assert_eq!(setting(src, &c.backend_configs[3]).2, lit("$LITERAL"));
    assert_eq!(
        file(src, &c.backend_configs[4]),
        ("$BACKEND_FILE".into(), true, "$BACKEND_FILE".into())
    );
    assert!(file(src, &c.backend_configs[5]).1);
    assert_eq!(file(src, &c.backend_configs[6]).2, "`pwd`/x.hcl");
    assert_eq!(c.backend_configs.len(), 7);
}

#[test]
fn credentials_are_redacted() {
    let src = "terraform init -backend-config=secret_key=SuperSecret1 -backend-config=token=t0k -backend-config=bucket=b";
    let c = one(SH, src);
    let dbg = format!("{c:?}");
    assert!(
        !dbg.contains("SuperSecret1") && !dbg.contains("t0k"),
        "{dbg}"
    );
    assert_eq!(
        setting(src, &c.backend_configs[0]).2,
        SettingValue::Redacted { len: 12 }
    );
    assert_eq!(setting(src, &c.backend_configs[0]).3, "SuperSecret1");
    assert_eq!(setting(src, &c.backend_configs[2]).2, lit("b"));
}

#[test]
fn binaries_and_variables() {
    let src = "/usr/local/bin/terraform init -backend-config=a\n./tofu init -backend-config=b\n$TF init -backend-config=c\n${TOFU} init -backend-config=d\n\"$TERRAFORM\" init -backend-config=e\nterraform.exe init -backend-config=f\nterragrunt init -backend-config=g\necho terraform init -backend-config=h\n";
    let v = all(SH, src);
    let engines: Vec<Engine> = v.iter().map(|c| c.engine).collect();
    use Engine::*;
    assert_eq!(
        engines,
        [Terraform, Tofu, Dynamic, Dynamic, Dynamic, Terraform]
    );
    assert_eq!(at(src, &v[3].binary_span), "${TOFU}");
}

#[test]
fn not_init() {
    let src = "terraform plan -backend-config=x\nterraform init2 -backend-config=x\nterraform -chdir=a validate\n";
    assert!(all(SH, src).is_empty());
}

#[test]
fn init_without_backend_config_is_reported() {
    let c = one(SH, "terraform init -upgrade\n");
    assert!(c.backend_configs.is_empty());
}

#[test]
fn chdir_forms() {
    let src = "terraform -chdir=infra/prod init -backend-config=prod.hcl\ntofu -chdir \"$DIR\" init -backend-config=x\n";
    let v = all(SH, src);
    let c = v[0].chdir.as_ref().unwrap();
    assert_eq!(
        (c.path.as_str(), c.dynamic, at(src, &c.span).as_str()),
        ("infra/prod", false, "infra/prod")
    );
    let c = v[1].chdir.as_ref().unwrap();
    assert!(c.dynamic);
    assert_eq!(at(src, &c.span), "$DIR");
}

#[test]
fn go_flag_parsing_stops_at_positional_and_double_dash() {
    let src = "terraform init -input=false -lock-timeout 5m -backend-config=a dir -backend-config=b\nterraform init -- -backend-config=c\n";
    let v = all(SH, src);
    assert_eq!(args(src, &v[0]), ["-backend-config=a"]);
    assert!(v[1].backend_configs.is_empty());
}

#[test]
fn cd_tracking() {
    let src = "cd infra\nterraform init -backend-config=a\ncd ../ops/./x && terraform init -backend-config=b\n(cd sub && terraform init -backend-config=c)\nterraform init -backend-config=d\ncd \"$HOME\"; terraform init -backend-config=e\ncd /srv/tf || exit 1\nterraform init -backend-config=f\n";
    let v = all(SH, src);
    let dirs: Vec<WorkingDir> = v.iter().map(|c| c.working_dir.clone()).collect();
    let b = DirBase::Invocation;
    assert_eq!(
        dirs,
        [
            known(b, "infra"),
            known(b, "ops/x"),
            known(b, "ops/x/sub"),
            known(b, "ops/x"),
            WorkingDir::Dynamic,
            WorkingDir::Absolute("/srv/tf".into()),
        ]
    );
}

#[test]
fn pushd_popd_and_parent_of_base() {
    let src =
        "pushd ../a\nterraform init -backend-config=a\npopd\nterraform init -backend-config=b\n";
    let v = all(SH, src);
    assert_eq!(v[0].working_dir, known(DirBase::Invocation, "../a"));
    assert_eq!(v[1].working_dir, known(DirBase::Invocation, ""));
}

#[test]
fn command_separators_and_prefixes() {
    let src = "set -e; TF_LOG=debug terraform init -backend-config=a | tee log && echo ok || sudo -E terraform init -backend-config=b\nif terraform init -backend-config=c > /dev/null 2>&1; then :; fi\n";
    let v = all(SH, src);
    assert_eq!(v.len(), 3);
    assert_eq!(args(src, &v[2]), ["-backend-config=c"]);
    assert_eq!(at(src, &v[2].span), "terraform init -backend-config=c");
}

#[test]
fn comments_and_heredocs_are_skipped() {
    let src = "# terraform init -backend-config=commented\ncat <<EOF > b.hcl\nterraform init -backend-config=inside\nEOF\nterraform init -backend-config=real # trailing\n";
    let c = one(SH, src);
    assert_eq!(args(src, &c), ["-backend-config=real"]);
}

#[test]
fn unbalanced_quote_skips_only_that_command() {
    let src = "echo \"oops\nterraform init -backend-config='broken\nterraform init -backend-config=fine\n";
    // The first quote is closed by the quote on line 2 (valid shell), so the
    // broken command is the one on line 2.
    let v = all(SH, src);
    assert_eq!(v.len(), 1);
    assert_eq!(args(src, &v[0]), ["-backend-config=fine"]);
}

#[test]
fn crlf_and_continuations() {
    let src = "terraform init \\\r\n  -backend-config=a.hcl \\\r\n  -backend-config=\"b=c\"\r\n";
    let c = one(SH, src);
    assert_eq!(
        args(src, &c),
        ["-backend-config=a.hcl", "-backend-config=\"b=c\""]
    );
}

#[test]
fn unicode_offsets() {
    let src = "echo héllo → ok; terraform init -backend-config=\"bucket=été\"\n";
    let c = one(SH, src);
    assert_eq!(setting(src, &c.backend_configs[0]).3, "été");
}

#[test]
fn source_kinds() {
    use std::path::Path;
    let k = |p: &str| source_kind(Path::new(p));
    assert_eq!(
        k(".github/workflows/ci.yml"),
        Some(SourceKind::GithubWorkflow)
    );
    assert_eq!(
        k(".github/workflows/ci.yaml"),
        Some(SourceKind::GithubWorkflow)
    );
    assert_eq!(k(".github/ci.yml"), None);
    assert_eq!(k(".gitlab-ci.yml"), Some(SourceKind::GitlabCi));
    assert_eq!(k("scripts/deploy.sh"), Some(SourceKind::Shell));
    assert_eq!(k("x.bash"), Some(SourceKind::Shell));
    assert_eq!(k("infra/Makefile"), Some(SourceKind::Makefile));
    assert_eq!(k("rules.mk"), Some(SourceKind::Makefile));
    assert_eq!(k("justfile"), Some(SourceKind::Justfile));
    assert_eq!(k("Taskfile.yml"), Some(SourceKind::Taskfile));
    assert_eq!(k("main.tf"), None);
}

#[test]
fn prefilter() {
    assert!(might_contain_init(b"terraform init -backend-config=x"));
    assert!(!might_contain_init(b"terraform init"));
    assert!(!might_contain_init(b"-backend-config"));
}

#[test]
fn mixed_quoting_and_escapes() {
    let src = r#"terraform init -backend-config="buck"'et=a'\ b -backend-config="key=x\"y\\z""#;
    let c = one(SH, src);
    let (k, kt, v, vt) = setting(src, &c.backend_configs[0]);
    assert_eq!((k.as_str(), v), ("bucket", lit("a b")));
    assert_eq!(kt, r#"buck"'et"#);
    assert_eq!(vt, r#"a'\ b"#);
    assert_eq!(setting(src, &c.backend_configs[1]).2, lit(r#"x"y\z"#));
}
