//! Bitbucket, Azure Pipelines, CircleCI, Atlantis, Jenkinsfile, Forgejo/Gitea workflows.
use super::common::*;
use std::path::Path;

#[test]
fn source_kinds_by_path() {
    let kind = |p: &str| source_kind(Path::new(p));
    assert_eq!(
        kind(".forgejo/workflows/a.yml"),
        Some(SourceKind::GithubWorkflow)
    );
    assert_eq!(
        kind("x/.gitea/workflows/a.yaml"),
        Some(SourceKind::GithubWorkflow)
    );
    assert_eq!(kind(".gitea/a.yaml"), None);
    assert_eq!(
        kind("bitbucket-pipelines.yml"),
        Some(SourceKind::BitbucketPipelines)
    );
    assert_eq!(
        kind("azure-pipelines.yaml"),
        Some(SourceKind::AzurePipelines)
    );
    assert_eq!(
        kind(".azure-pipelines/deploy.yml"),
        Some(SourceKind::AzurePipelines)
    );
    assert_eq!(kind(".circleci/config.yml"), Some(SourceKind::CircleCi));
    assert_eq!(kind(".circleci/other.yml"), None);
    assert_eq!(kind("Jenkinsfile"), Some(SourceKind::Jenkinsfile));
    assert_eq!(
        kind("ci/Jenkinsfile.release"),
        Some(SourceKind::Jenkinsfile)
    );
    assert_eq!(kind("deploy.jenkinsfile"), Some(SourceKind::Jenkinsfile));
    assert_eq!(kind("atlantis.yaml"), Some(SourceKind::Atlantis));
    assert_eq!(kind("Taskfile.dist.yml"), Some(SourceKind::Taskfile));
    assert_eq!(kind(".gitlab-ci.yml"), Some(SourceKind::GitlabCi));
    assert_eq!(kind("values.yaml"), None);
    for dir in [
        ".github",
        ".forgejo",
        ".gitea",
        ".azure-pipelines",
        ".circleci",
    ] {
        assert!(enters_hidden_dir(std::ffi::OsStr::new(dir)), "{dir}");
    }
    assert!(!enters_hidden_dir(std::ffi::OsStr::new(".terraform")));
}

#[test]
fn bitbucket_steps_anywhere_one_session_per_script() {
    let src = "definitions:\n  steps:\n    - step: &s\n        script:\n          - cd infra\n          - terraform init -backend-config=a.hcl\npipelines:\n  default:\n    - step: *s\n  branches:\n    main:\n      - parallel:\n          - step:\n              script:\n                - terraform init -backend-config=\"bucket=b\"\n              after-script:\n                - terraform init -backend-config=c.hcl\n";
    let v = all(SourceKind::BitbucketPipelines, src);
    // The anchored step and its alias are one command.
    assert_eq!(v.len(), 3, "{v:#?}");
    assert_eq!(v[0].working_dir, known(DirBase::RepoRoot, "infra"));
    assert_eq!(args(src, &v[0]), ["-backend-config=a.hcl"]);
    assert_eq!(setting(src, &v[1].backend_configs[0]).3, "b");
    assert_eq!(v[2].working_dir, known(DirBase::RepoRoot, ""));
}

#[test]
fn azure_script_bash_and_inline_task_with_working_directory() {
    let src = "stages:\n  - stage: s\n    jobs:\n      - job: j\n        steps:\n          - script: terraform init -backend-config=\"secret_key=$(KEY)\"\n            workingDirectory: infra/prod\n          - bash: terraform init -backend-config=x.hcl\n            workingDirectory: $(Build.SourcesDirectory)/infra\n          - task: Bash@3\n            inputs:\n              targetType: inline\n              script: tofu init -backend-config=y.hcl\n";
    let v = all(SourceKind::AzurePipelines, src);
    assert_eq!(v.len(), 3);
    assert_eq!(v[0].working_dir, known(DirBase::RepoRoot, "infra/prod"));
    assert_eq!(
        setting(src, &v[0].backend_configs[0]).2,
        SettingValue::Dynamic { secret_ref: false }
    );
    assert_eq!(v[1].working_dir, WorkingDir::Dynamic);
    assert_eq!(v[2].engine, Engine::Tofu);
    assert_eq!(v[2].working_dir, known(DirBase::RepoRoot, ""));
}

#[test]
fn circleci_run_string_or_map_relative_to_the_job_directory() {
    let src = "jobs:\n  a:\n    steps:\n      - run: terraform -chdir=infra init -backend-config=a.hcl\n      - run:\n          command: terraform init -backend-config=b.hcl\n          working_directory: ~/project/infra\n      - run:\n          command: terraform init -backend-config=c.hcl\n          working_directory: /tmp/x\n  b:\n    working_directory: ~/repo\n    steps:\n      - when:\n          condition: true\n          steps:\n            - run:\n                command: terraform init -backend-config=d.hcl\n                working_directory: stacks/b\ncommands:\n  init:\n    steps:\n      - run: terraform init -backend-config=e.hcl\n";
    let v = all(SourceKind::CircleCi, src);
    assert_eq!(v.len(), 5);
    assert_eq!(v[0].working_dir, known(DirBase::RepoRoot, ""));
    assert_eq!(v[0].chdir.as_ref().unwrap().path, "infra");
    assert_eq!(v[1].working_dir, known(DirBase::RepoRoot, "infra"));
    assert_eq!(v[2].working_dir, WorkingDir::Dynamic);
    assert_eq!(v[3].working_dir, known(DirBase::RepoRoot, "stacks/b"));
    assert_eq!(args(src, &v[4]), ["-backend-config=e.hcl"]);
}

#[test]
fn atlantis_extra_args_and_run_steps_per_project() {
    let src = "version: 3\nprojects:\n  - dir: stacks/a\n    workflow: w\n  - dir: stacks/b\n    workflow: w\n  - dir: stacks/c\nworkflows:\n  w:\n    plan:\n      steps:\n        - init:\n            extra_args: [\"-backend-config=a.hcl\", '-backend-config=secret_key=abc']\n        - plan\n    apply:\n      steps:\n        - run: terraform init -backend-config=r.hcl\n  default:\n    plan:\n      steps:\n        - run:\n            command: tofu init -backend-config=d.hcl\n  lone:\n    plan:\n      steps:\n        - init:\n            extra_args:\n              - -backend-config=key=x\n";
    let v = all(SourceKind::Atlantis, src);
    let dirs: Vec<&WorkingDir> = v.iter().map(|c| &c.working_dir).collect();
    assert_eq!(v.len(), 6, "{dirs:#?}");
    let init: Vec<&InitCommand> = v.iter().filter(|c| c.backend_configs.len() == 2).collect();
    assert_eq!(init.len(), 2, "one per project of the workflow");
    assert_eq!(init[0].working_dir, known(DirBase::RepoRoot, "stacks/a"));
    assert_eq!(init[1].working_dir, known(DirBase::RepoRoot, "stacks/b"));
    assert_eq!(
        args(src, init[0]),
        ["-backend-config=a.hcl", "-backend-config=secret_key=abc"]
    );
    assert_eq!(
        setting(src, &init[0].backend_configs[1]),
        (
            "secret_key".to_string(),
            "secret_key".to_string(),
            SettingValue::Redacted { len: 3 },
            "abc".to_string()
        )
    );
    let d = v.iter().find(|c| c.engine == Engine::Tofu).unwrap();
    assert_eq!(d.working_dir, known(DirBase::RepoRoot, "stacks/c"));
    let lone = v
        .iter()
        .find(|c| args(src, c) == ["-backend-config=key=x"])
        .unwrap();
    assert_eq!(lone.working_dir, WorkingDir::Dynamic);
}

#[test]
fn jenkinsfile_sh_forms_and_dir_blocks() {
    let src = r#"pipeline {
  stages {
    stage('x') {
      steps {
        dir('infra') {
          sh 'terraform init -backend-config=a.hcl'
          dir("prod") { sh "terraform init -backend-config=\"bucket=${env.B}\"" }
          sh(script: '''terraform init -backend-config=b.hcl''', returnStatus: true)
        }
        sh """terraform init \
          -backend-config=c.hcl"""
        sh label: 'l', script: "tofu init -backend-config=d.hcl"
        sh('terraform init -backend-config=e\\f.hcl')
        // sh 'terraform init -backend-config=commented.hcl'
        /* sh 'terraform init -backend-config=block.hcl' */
        dir(env.X) { sh 'terraform init -backend-config=g.hcl' }
        echo 'sh "terraform init -backend-config=not-a-step.hcl"'
      }
    }
  }
}
"#;
    let v = all(SourceKind::Jenkinsfile, src);
    let files: Vec<String> = v.iter().map(|c| args(src, c).join(" ")).collect();
    assert_eq!(
        files,
        [
            "-backend-config=a.hcl",
            "-backend-config=\\\"bucket=${env.B}\\\"",
            "-backend-config=b.hcl",
            "-backend-config=c.hcl",
            "-backend-config=d.hcl",
            "-backend-config=e\\\\f.hcl",
            "-backend-config=g.hcl",
        ]
    );
    assert_eq!(v[0].working_dir, known(DirBase::RepoRoot, "infra"));
    assert_eq!(v[1].working_dir, known(DirBase::RepoRoot, "infra/prod"));
    assert_eq!(
        setting(src, &v[1].backend_configs[0]).2,
        SettingValue::Dynamic { secret_ref: false }
    );
    assert_eq!(v[2].working_dir, known(DirBase::RepoRoot, "infra"));
    assert_eq!(v[3].working_dir, known(DirBase::RepoRoot, ""));
    assert_eq!(v[4].engine, Engine::Tofu);
    // `\\` in a Groovy string is one backslash, which the shell then removes.
    assert_eq!(file(src, &v[5].backend_configs[0]).0, "ef.hcl");
    assert_eq!(v[6].working_dir, WorkingDir::Dynamic);
}

#[test]
fn jenkinsfile_unclosed_strings_and_comments_end_quietly() {
    for src in [
        "sh '",
        "sh \"\"\"terraform init -backend-config=a",
        "dir('a') {",
        "/* sh 'terraform init -backend-config=x'",
        "sh(",
        "sh(script:",
        "}}}} sh 'terraform init -backend-config=x.hcl'",
        "sh \"${",
        "$/ sh 'x' /$ sh 'terraform init -backend-config=y.hcl'",
    ] {
        let _ = all(SourceKind::Jenkinsfile, src);
    }
    let v = all(
        SourceKind::Jenkinsfile,
        "}}}} sh 'terraform init -backend-config=x.hcl'",
    );
    assert_eq!(v.len(), 1);
}
