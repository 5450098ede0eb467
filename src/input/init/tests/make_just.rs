use super::common::*;

const MK: SourceKind = SourceKind::Makefile;
const JF: SourceKind = SourceKind::Justfile;

#[test]
fn makefile_recipes_variables_prefixes_continuations() {
    let src = "TERRAFORM ?= terraform\nENV := prod\n\n.PHONY: init\ninit:\n\t@$(TERRAFORM) init \\\n\t\t-backend-config=envs/$(ENV).tfbackend \\\n\t\t-backend-config=\"bucket=b\"\n\n# comment\nplain:\n\t-${TF} -chdir=stacks/a init -backend-config=a.hcl\n\tterraform init -backend-config=\"key=$${KEY}\"\n";
    let v = all(MK, src);
    assert_eq!(v.len(), 3);
    assert_eq!(v[0].engine, Engine::Dynamic);
    assert_eq!(at(src, &v[0].binary_span), "$(TERRAFORM)");
    assert_eq!(v[0].working_dir, known(DirBase::FileDir, ""));
    assert_eq!(
        args(src, &v[0]),
        [
            "-backend-config=envs/$(ENV).tfbackend",
            "-backend-config=\"bucket=b\""
        ]
    );
    assert!(
        file(src, &v[0].backend_configs[0]).1,
        "make variable makes the path dynamic"
    );
    assert_eq!(setting(src, &v[0].backend_configs[1]).3, "b");
    assert_eq!(at(src, &v[1].binary_span), "${TF}");
    assert_eq!(v[1].chdir.as_ref().unwrap().path, "stacks/a");
    // `$$` is a shell `$`: dynamic.
    assert_eq!(
        setting(src, &v[2].backend_configs[0]).2,
        SettingValue::Dynamic { secret_ref: false }
    );
}

#[test]
fn makefile_each_line_is_its_own_shell() {
    let src = "a:\n\tcd infra\n\tterraform init -backend-config=x.hcl\n\tcd infra && terraform init -backend-config=y.hcl\n";
    let v = all(MK, src);
    assert_eq!(v[0].working_dir, known(DirBase::FileDir, ""));
    assert_eq!(v[1].working_dir, known(DirBase::FileDir, "infra"));
}

#[test]
fn makefile_oneshell_and_inline_recipe() {
    let src = ".ONESHELL:\na:\n\tcd infra\n\tterraform init -backend-config=x.hcl\nb: ; terraform init -backend-config=inline.hcl\n";
    let v = all(MK, src);
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].working_dir, known(DirBase::FileDir, "infra"));
    assert_eq!(file(src, &v[1].backend_configs[0]).2, "inline.hcl");
}

#[test]
fn makefile_non_recipe_lines_ignored() {
    let src = "INIT = terraform init -backend-config=var.hcl\n\tterraform init -backend-config=orphan.hcl\n";
    assert!(all(MK, src).is_empty());
}

#[test]
fn justfile_recipes() {
    let src = "set dotenv-load\ntf := \"terraform\"\n\n# Initialise\ninit env='prod':\n    @{{tf}} init -backend-config=envs/{{env}}.tfbackend\n    cd infra && terraform init \\\n        -backend-config=\"bucket=b\"\n    terraform init -backend-config=root.hcl\n\n[no-cd]\nhere:\n    -tofu init -backend-config=here.hcl\n\nscript:\n    #!/usr/bin/env bash\n    cd stacks\n    terraform init -backend-config=s.hcl\n";
    let v = all(JF, src);
    assert_eq!(v.len(), 5);
    assert_eq!(v[0].engine, Engine::Dynamic);
    assert_eq!(at(src, &v[0].binary_span), "{{tf}}");
    assert!(file(src, &v[0].backend_configs[0]).1);
    assert_eq!(v[1].working_dir, known(DirBase::FileDir, "infra"));
    assert_eq!(setting(src, &v[1].backend_configs[0]).3, "b");
    // Each line is its own shell: the cd does not carry.
    assert_eq!(v[2].working_dir, known(DirBase::FileDir, ""));
    assert_eq!(v[3].working_dir, known(DirBase::Invocation, ""));
    assert_eq!(v[3].engine, Engine::Tofu);
    // Shebang recipe: one script.
    assert_eq!(v[4].working_dir, known(DirBase::FileDir, "stacks"));
}

#[test]
fn justfile_assignments_are_not_recipes() {
    let src = "x := `terraform init -backend-config=a`\nalias i := init\ninit:\n  terraform init -backend-config=b\n";
    let c = one(JF, src);
    assert_eq!(args(src, &c), ["-backend-config=b"]);
}
