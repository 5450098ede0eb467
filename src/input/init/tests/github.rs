use super::common::*;

const GH: SourceKind = SourceKind::GithubWorkflow;

#[test]
fn block_literal_run_with_secrets_and_working_dirs() {
    let src = r#"name: ci
on: push
defaults:
  run:
    working-directory: infra
jobs:
  plan:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: envs/prod
    steps:
      - uses: actions/checkout@v4
      - name: init
        run: |
          terraform init \
            -backend-config="access_key=${{ secrets.SPACES_KEY }}" \
            -backend-config=prod.s3.tfbackend
      - name: step dir
        working-directory: other
        run: tofu init -backend-config=x.hcl
  apply:
    runs-on: ubuntu-latest
    steps:
      - run: terraform init -backend-config='bucket=b'
"#;
    let v = all(GH, src);
    assert_eq!(v.len(), 3);
    let c = &v[0];
    assert_eq!(c.working_dir, known(DirBase::RepoRoot, "envs/prod"));
    assert_eq!(
        args(src, c),
        [
            "-backend-config=\"access_key=${{ secrets.SPACES_KEY }}\"",
            "-backend-config=prod.s3.tfbackend"
        ]
    );
    let (k, kt, val, vt) = setting(src, &c.backend_configs[0]);
    assert_eq!((k.as_str(), kt.as_str()), ("access_key", "access_key"));
    assert_eq!(val, SettingValue::Dynamic { secret_ref: true });
    assert_eq!(vt, "${{ secrets.SPACES_KEY }}");
    assert_eq!(file(src, &c.backend_configs[1]).2, "prod.s3.tfbackend");
    assert!(at(src, &c.span).starts_with("terraform init \\\n"));
    assert!(at(src, &c.span).ends_with("prod.s3.tfbackend"));

    assert_eq!(v[1].working_dir, known(DirBase::RepoRoot, "other"));
    assert_eq!(v[1].engine, Engine::Tofu);
    assert_eq!(args(src, &v[1]), ["-backend-config=x.hcl"]);
    // Job without defaults falls back to the workflow's.
    assert_eq!(v[2].working_dir, known(DirBase::RepoRoot, "infra"));
    assert_eq!(setting(src, &v[2].backend_configs[0]).3, "b");
}

#[test]
fn cd_within_step_and_not_across_steps() {
    let src = "jobs:\n  j:\n    steps:\n      - run: |\n          cd stacks/a\n          terraform init -backend-config=a.hcl\n      - run: terraform init -backend-config=b.hcl\n";
    let v = all(GH, src);
    assert_eq!(v[0].working_dir, known(DirBase::RepoRoot, "stacks/a"));
    assert_eq!(v[1].working_dir, known(DirBase::RepoRoot, ""));
    assert_eq!(file(src, &v[0].backend_configs[0]).2, "a.hcl");
}

#[test]
fn env_expression_binary_and_dynamic_working_dir() {
    let src = "jobs:\n  j:\n    steps:\n      - working-directory: ${{ matrix.dir }}\n        run: ${{ env.TF }} -chdir=${{ matrix.stack }} init -backend-config=${{ env.BACKEND }}\n";
    let c = one(GH, src);
    assert_eq!(c.engine, Engine::Dynamic);
    assert_eq!(at(src, &c.binary_span), "${{ env.TF }}");
    assert_eq!(c.working_dir, WorkingDir::Dynamic);
    assert!(c.chdir.as_ref().unwrap().dynamic);
    assert_eq!(
        file(src, &c.backend_configs[0]),
        (
            "${{ env.BACKEND }}".into(),
            true,
            "${{ env.BACKEND }}".into()
        )
    );
}

#[test]
fn quoted_scalars_exact_when_possible() {
    let src = "jobs:\n  j:\n    steps:\n      - run: 'terraform init -backend-config=a.hcl'\n      - run: \"terraform init -backend-config=\\\"bucket=x\\\"\"\n";
    let v = all(GH, src);
    assert_eq!(args(src, &v[0]), ["-backend-config=a.hcl"]);
    // Escapes inside a double-quoted scalar: located by text.
    let (_, kt, val, vt) = setting(src, &v[1].backend_configs[0]);
    assert_eq!((kt.as_str(), vt.as_str()), ("bucket", "x"));
    assert_eq!(val, lit("x"));
}

#[test]
fn folded_scalar_located_by_text() {
    let src = "jobs:\n  j:\n    steps:\n      - run: >\n          terraform init\n          -backend-config=one.hcl\n          -backend-config=two.hcl\n";
    let c = one(GH, src);
    assert_eq!(
        args(src, &c),
        ["-backend-config=one.hcl", "-backend-config=two.hcl"]
    );
    assert_eq!(at(src, &c.binary_span), "terraform");
    assert_eq!(
        at(src, &c.span),
        "terraform init\n          -backend-config=one.hcl\n          -backend-config=two.hcl"
    );
}

#[test]
fn plain_multiline_scalar() {
    let src =
        "jobs:\n  j:\n    steps:\n      - run: terraform init\n          -backend-config=p.hcl\n";
    let c = one(GH, src);
    assert_eq!(args(src, &c), ["-backend-config=p.hcl"]);
}

#[test]
fn block_literal_with_chomping_and_indent_indicator() {
    let src = "jobs:\n  j:\n    steps:\n      - run: |2-\n            terraform init -backend-config=deep.hcl\n          echo done\n";
    let c = one(GH, src);
    assert_eq!(file(src, &c.backend_configs[0]).2, "deep.hcl");
}

#[test]
fn duplicate_text_in_folded_scalar_picks_right_occurrence() {
    let src = "jobs:\n  j:\n    steps:\n      - run: >-\n          terraform init -backend-config=a.hcl &&\n          terraform init -backend-config=a.hcl\n";
    let v = all(GH, src);
    assert_eq!(v.len(), 2);
    assert!(v[0].backend_configs[0].span.start < v[1].backend_configs[0].span.start);
}

#[test]
fn invalid_yaml_is_an_error_with_span() {
    let e = extract(GH, "jobs: [unclosed\n  steps: {").unwrap_err();
    assert!(e.message.contains("invalid YAML"));
    assert!(e.span.is_some());
}

#[test]
fn non_workflow_shapes_are_ignored() {
    assert!(all(GH, "").is_empty());
    assert!(all(GH, "- a\n- b\n").is_empty());
    assert!(all(GH, "jobs: 3\n").is_empty());
    assert!(all(GH, "jobs:\n  j:\n    steps:\n      - run: [1]\n").is_empty());
}

#[test]
fn unicode_before_run() {
    let src = "name: déploiement ☃\njobs:\n  j:\n    steps:\n      - name: « init »\n        run: terraform init -backend-config=\"region=été\"\n";
    let c = one(GH, src);
    assert_eq!(setting(src, &c.backend_configs[0]).3, "été");
}

#[test]
fn unquoted_expression_with_spaces_is_one_word() {
    let src = "jobs:\n  j:\n    steps:\n      - run: terraform init -backend-config=bucket=${{ secrets.BUCKET }} -backend-config=k.hcl\n";
    let c = one(GH, src);
    assert_eq!(
        args(src, &c),
        [
            "-backend-config=bucket=${{ secrets.BUCKET }}",
            "-backend-config=k.hcl"
        ]
    );
    assert_eq!(
        setting(src, &c.backend_configs[0]).2,
        SettingValue::Dynamic { secret_ref: true }
    );
}

#[test]
fn expression_in_single_quotes_is_still_dynamic() {
    let src = "jobs:\n  j:\n    steps:\n      - run: terraform init -backend-config='secret_key=${{ secrets.S }}'\n";
    let c = one(GH, src);
    assert_eq!(
        setting(src, &c.backend_configs[0]).2,
        SettingValue::Dynamic { secret_ref: true }
    );
}
