use super::common::*;

#[test]
fn gitlab_scripts() {
    let src = r#"stages: [plan]
variables:
  TF_ROOT: infra
.tf: &tf
  before_script:
    - cd ${TF_ROOT}
plan:
  stage: plan
  before_script:
    - cd infra/prod
  script:
    - terraform init -backend-config="bucket=${BUCKET}" -backend-config=prod.hcl
    - terraform plan
  after_script:
    - terraform init -backend-config=after.hcl
single:
  script: tofu init -backend-config=single.hcl
"#;
    let v = all(SourceKind::GitlabCi, src);
    assert_eq!(v.len(), 3);
    assert_eq!(v[0].working_dir, known(DirBase::RepoRoot, "infra/prod"));
    assert_eq!(
        args(src, &v[0]),
        [
            "-backend-config=\"bucket=${BUCKET}\"",
            "-backend-config=prod.hcl"
        ]
    );
    assert_eq!(
        setting(src, &v[0].backend_configs[0]).2,
        SettingValue::Dynamic { secret_ref: false }
    );
    // after_script runs in a fresh shell.
    assert_eq!(v[1].working_dir, known(DirBase::RepoRoot, ""));
    assert_eq!(v[2].engine, Engine::Tofu);
}

#[test]
fn gitlab_anchors_and_nested_lists() {
    let src = ".init: &init\n  - terraform init -backend-config=shared.hcl\njob:\n  script:\n    - *init\n    - [echo a, terraform init -backend-config=nested.hcl]\n";
    let v = all(SourceKind::GitlabCi, src);
    let files: Vec<String> = v
        .iter()
        .map(|c| file(src, &c.backend_configs[0]).2)
        .collect();
    // An alias reports the command at its anchor's definition.
    assert_eq!(files, ["shared.hcl", "nested.hcl"]);
    assert_eq!(v[0].span.start, src.find("terraform").unwrap());
    let src2 =
        ".t:\n  script: &s\n    - terraform init -backend-config=shared.hcl\njob:\n  script: *s\n";
    // Read from `.t` and through the alias in `job`: deduplicated.
    assert_eq!(all(SourceKind::GitlabCi, src2).len(), 1);
}

#[test]
fn gitlab_block_scalar_item() {
    let src = "job:\n  script:\n    - |\n      cd envs/dev\n      terraform init \\\n        -backend-config=dev.hcl\n";
    let c = one(SourceKind::GitlabCi, src);
    assert_eq!(c.working_dir, known(DirBase::RepoRoot, "envs/dev"));
    assert_eq!(file(src, &c.backend_configs[0]).2, "dev.hcl");
}

#[test]
fn taskfile_forms() {
    let src = r#"version: '3'
vars:
  TF: terraform
tasks:
  init:
    dir: infra/{{.ENV}}
    cmds:
      - '{{.TF}} init -backend-config=backend.hcl'
  init-prod:
    dir: infra/prod
    cmds:
      - cmd: terraform init -backend-config="bucket=prod"
      - task: other
      - cd sub && terraform init -backend-config=sub.hcl
      - terraform init -backend-config=not-in-sub.hcl
  short: tofu init -backend-config=short.hcl
"#;
    let v = all(SourceKind::Taskfile, src);
    assert_eq!(v.len(), 5);
    assert_eq!(v[0].engine, Engine::Dynamic);
    assert_eq!(v[0].working_dir, WorkingDir::Dynamic);
    assert_eq!(at(src, &v[0].binary_span), "{{.TF}}");
    assert_eq!(v[1].working_dir, known(DirBase::FileDir, "infra/prod"));
    assert_eq!(setting(src, &v[1].backend_configs[0]).3, "prod");
    assert_eq!(v[2].working_dir, known(DirBase::FileDir, "infra/prod/sub"));
    assert_eq!(v[3].working_dir, known(DirBase::FileDir, "infra/prod"));
    assert_eq!(v[4].engine, Engine::Tofu);
    assert_eq!(v[4].working_dir, known(DirBase::FileDir, ""));
}

#[test]
fn deep_nesting_and_alias_bombs_do_not_hurt() {
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let _ = extract(SourceKind::GitlabCi, &deep);
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("b{}", i - 1)
        };
        bomb.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let _ = extract(SourceKind::GitlabCi, &bomb);
}
