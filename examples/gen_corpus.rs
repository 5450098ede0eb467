//! Benchmark corpus generator for tfblint.
//!
//! Writes a deterministic, realistic Terraform monorepo: root modules under
//! `envs/` and shared modules under `modules/`, each with `main.tf`,
//! `variables.tf`, `outputs.tf` and `versions.tf`. About 30% of the root
//! modules declare a `backend "s3"` block for DigitalOcean Spaces, some of
//! them deliberately misconfigured.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --out DIR [--files N] [--seed S]
//! ```
//!
//! The output depends only on the seed and N: module `i` is generated from
//! its own PRNG stream, so the same seed always yields the same bytes. Only
//! the standard library is used. Nothing in the corpus is a credential.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;
use std::{env, fs, io, process, thread};

const USAGE: &str = "usage: gen_corpus --out DIR [--files N] [--seed S]\n\
    \n  --out DIR    directory to write the corpus into (created if missing)\
    \n  --files N    total number of .tf files to write (default 10000)\
    \n  --seed S     PRNG seed (default 42)";

const FILES_PER_MODULE: usize = 4;
const FILE_NAMES: [&str; FILES_PER_MODULE] =
    ["main.tf", "variables.tf", "outputs.tf", "versions.tf"];

const ENVS: [&str; 6] = ["prod", "staging", "dev", "qa", "sandbox", "perf"];
const TEAMS: [&str; 12] = [
    "payments",
    "search",
    "identity",
    "platform",
    "data",
    "growth",
    "billing",
    "mobile",
    "ml",
    "edge",
    "observability",
    "checkout",
];
const SPACES_REGIONS: [&str; 7] = ["nyc3", "sfo3", "ams3", "sgp1", "fra1", "syd1", "blr1"];
const MODULE_NAMES: [&str; 12] = [
    "network",
    "droplet-fleet",
    "spaces-bucket",
    "postgres",
    "k8s-cluster",
    "loadbalancer",
    "dns-zone",
    "firewall",
    "monitoring",
    "cdn",
    "redis",
    "registry",
];
const MODULE_GROUPS: [&str; 5] = ["core", "data", "compute", "edge", "security"];
const ROLES: [&str; 8] = [
    "web", "api", "worker", "edge", "batch", "internal", "admin", "queue",
];
const SIZES: [&str; 5] = [
    "s-1vcpu-1gb",
    "s-1vcpu-2gb",
    "s-2vcpu-4gb",
    "s-4vcpu-8gb",
    "c-4",
];
const SKIP_FLAGS: [&str; 5] = [
    "skip_credentials_validation",
    "skip_requesting_account_id",
    "skip_metadata_api_check",
    "skip_region_validation",
    "skip_s3_checksum",
];

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

struct Args {
    out: PathBuf,
    files: usize,
    seed: u64,
}

fn parse_number(flag: &str, text: &str) -> Result<u64, String> {
    let clean = text.replace('_', "");
    let parsed = match clean.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => clean.parse(),
    };
    parsed.map_err(|e| format!("{flag}: invalid number `{text}`: {e}"))
}

fn parse_args() -> Result<Args, String> {
    let mut out = None;
    let mut files = 10_000usize;
    let mut seed = 42u64;
    let mut args = env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            println!("{USAGE}");
            process::exit(0);
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg, None),
        };
        if !matches!(flag.as_str(), "--out" | "--files" | "--seed") {
            return Err(format!("unknown argument `{flag}`"));
        }
        let value = match inline {
            Some(value) => value,
            None => args.next().ok_or_else(|| format!("{flag} needs a value"))?,
        };
        match flag.as_str() {
            "--out" => out = Some(PathBuf::from(value)),
            "--files" => {
                files = usize::try_from(parse_number("--files", &value)?)
                    .map_err(|_| "--files: too large".to_string())?;
            }
            _ => seed = parse_number("--seed", &value)?,
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    Ok(Args { out, files, seed })
}

// ---------------------------------------------------------------------------
// PRNG (splitmix64)
// ---------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-ish integer in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) % n as u64) as usize
    }

    /// Integer in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        (self.next_u64() >> 11) % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

fn module_rng(seed: u64, index: usize) -> Rng {
    let mut mixer = Rng::new(seed ^ (index as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
    Rng::new(mixer.next_u64())
}

// ---------------------------------------------------------------------------
// A tiny HCL writer with terraform-fmt-style alignment
// ---------------------------------------------------------------------------

enum Item {
    Attr {
        key: String,
        value: String,
        comment: Option<String>,
    },
    Block(Block),
    Blank,
    Comment(String),
}

struct Block {
    header: String,
    items: Vec<Item>,
}

impl Block {
    fn new(header: impl Into<String>) -> Self {
        Block {
            header: header.into(),
            items: Vec::new(),
        }
    }

    fn attr(mut self, key: &str, value: impl Into<String>) -> Self {
        self.push_attr(key, value);
        self
    }

    fn attr_c(mut self, key: &str, value: impl Into<String>, comment: &str) -> Self {
        self.items.push(Item::Attr {
            key: key.to_string(),
            value: value.into(),
            comment: Some(comment.to_string()),
        });
        self
    }

    fn push_attr(&mut self, key: &str, value: impl Into<String>) {
        self.items.push(Item::Attr {
            key: key.to_string(),
            value: value.into(),
            comment: None,
        });
    }

    fn block(mut self, child: Block) -> Self {
        self.items.push(Item::Block(child));
        self
    }

    fn blank(mut self) -> Self {
        self.items.push(Item::Blank);
        self
    }

    fn comment(mut self, text: impl Into<String>) -> Self {
        self.items.push(Item::Comment(text.into()));
        self
    }
}

fn q(text: &str) -> String {
    format!("\"{text}\"")
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn is_single_line_attr(item: &Item) -> bool {
    matches!(item, Item::Attr { value, .. } if !value.contains('\n'))
}

fn render_items(out: &mut String, items: &[Item], depth: usize) {
    let mut start = 0;
    while start < items.len() {
        let mut end = start + 1;
        if is_single_line_attr(&items[start]) {
            while end < items.len() && is_single_line_attr(&items[end]) {
                end += 1;
            }
        }
        let width = items[start..end]
            .iter()
            .map(|item| match item {
                Item::Attr { key, .. } => key.len(),
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        for item in &items[start..end] {
            render_item(out, item, depth, width);
        }
        start = end;
    }
}

fn render_item(out: &mut String, item: &Item, depth: usize, width: usize) {
    match item {
        Item::Attr {
            key,
            value,
            comment,
        } => {
            indent(out, depth);
            let _ = write!(out, "{key:<width$} = ");
            for (n, line) in value.split('\n').enumerate() {
                if n > 0 {
                    out.push('\n');
                    if !line.is_empty() {
                        indent(out, depth);
                    }
                }
                out.push_str(line);
            }
            if let Some(comment) = comment {
                let _ = write!(out, " {comment}");
            }
            out.push('\n');
        }
        Item::Block(block) => render_block(out, block, depth),
        Item::Blank => out.push('\n'),
        Item::Comment(text) => {
            for line in text.split('\n') {
                if !line.is_empty() {
                    indent(out, depth);
                }
                out.push_str(line);
                out.push('\n');
            }
        }
    }
}

fn render_block(out: &mut String, block: &Block, depth: usize) {
    indent(out, depth);
    out.push_str(&block.header);
    if block.items.is_empty() {
        out.push_str(" {}\n");
        return;
    }
    out.push_str(" {\n");
    render_items(out, &block.items, depth + 1);
    indent(out, depth);
    out.push_str("}\n");
}

/// Renders top-level blocks separated by blank lines.
fn render_file(items: &[Item]) -> String {
    let mut out = String::with_capacity(8192);
    render_items(&mut out, items, 0);
    out
}

// ---------------------------------------------------------------------------
// Module layout
// ---------------------------------------------------------------------------

struct Module {
    /// Path relative to the output directory, `/`-separated.
    rel: String,
    /// Number of path components in `rel`.
    depth: usize,
    root: bool,
    id: String,
    env: &'static str,
    team: &'static str,
    region: &'static str,
}

fn plan_module(rng: &mut Rng, index: usize) -> Module {
    let id = format!("svc-{index:04}");
    let env = rng.pick(&ENVS);
    let team = rng.pick(&TEAMS);
    let region = rng.pick(&SPACES_REGIONS);
    if rng.chance(80) {
        let (rel, depth) = match rng.below(10) {
            0 | 1 => (format!("envs/{env}/{id}"), 3),
            2..=6 => (format!("envs/{env}/{team}/{id}"), 4),
            _ => (format!("envs/{env}/{region}/{team}/{id}"), 5),
        };
        Module {
            rel,
            depth,
            root: true,
            id,
            env,
            team,
            region,
        }
    } else {
        let name = rng.pick(&MODULE_NAMES);
        let (rel, depth) = if rng.chance(60) {
            (format!("modules/{name}-{index:04}"), 2)
        } else {
            let group = rng.pick(&MODULE_GROUPS);
            (format!("modules/{group}/{name}-{index:04}"), 3)
        };
        Module {
            rel,
            depth,
            root: false,
            id: format!("{name}-{index:04}"),
            env,
            team,
            region,
        }
    }
}

struct OutputSpec {
    name: String,
    description: String,
    value: String,
    sensitive: bool,
}

/// Per-module generation state shared by the file generators.
struct Ctx<'a> {
    rng: Rng,
    m: &'a Module,
    outputs: Vec<OutputSpec>,
    used_names: Vec<String>,
}

impl Ctx<'_> {
    fn output(&mut self, name: &str, description: &str, value: impl Into<String>, sensitive: bool) {
        self.outputs.push(OutputSpec {
            name: name.to_string(),
            description: description.to_string(),
            value: value.into(),
            sensitive,
        });
    }

    /// A resource name unique within the module (`web`, `web_2`, ...).
    fn unique_name(&mut self, kind: &str) -> String {
        let base = self.rng.pick(&ROLES).to_string();
        let mut name = base.clone();
        let mut n = 2;
        while self
            .used_names
            .iter()
            .any(|u| u == &format!("{kind}.{name}"))
        {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.used_names.push(format!("{kind}.{name}"));
        name
    }
}

// ---------------------------------------------------------------------------
// main.tf
// ---------------------------------------------------------------------------

fn header_comment(ctx: &mut Ctx) -> Item {
    let m = ctx.m;
    let what = if m.root {
        format!("Root module for {} ({}, team {})", m.id, m.env, m.team)
    } else {
        format!("Shared module {}", m.id)
    };
    let text = match ctx.rng.below(3) {
        0 => format!(
            "# {what}.\n# Managed by Terraform: changes go through the platform review queue.\n# Path: {}",
            m.rel
        ),
        1 => format!(
            "// {what}.\n// Do not edit resources by hand; run `terraform plan` first.\n// Path: {}",
            m.rel
        ),
        _ => format!(
            "/*\n * {what}.\n *\n * Layout: {}\n * Owner:  team-{}@example.com\n */",
            m.rel, m.team
        ),
    };
    Item::Comment(text)
}

fn locals_block(ctx: &mut Ctx) -> Block {
    let m = ctx.m;
    let mut b = Block::new("locals")
        .attr("name_prefix", q("${var.project}-${var.environment}"))
        .attr("service", q(&m.id))
        .attr(
            "common_tags",
            format!(
                "merge(var.tags, {{\n  team         = \"{}\"\n  environment  = var.environment\n  service      = \"{}\"\n  \"managed-by\" = \"terraform\"\n}})",
                m.team, m.id
            ),
        )
        .attr("public_subnet_ids", "[for s in var.subnets : s.id if s.public]")
        .attr("private_subnet_ids", "[for s in var.subnets : s.id if !s.public]")
        .attr("upper_tags", "{ for k, v in var.tags : k => upper(v) }")
        .attr("tag_list", "[for k, v in local.common_tags : \"${k}:${v}\"]")
        .attr(
            "replica_count",
            "var.environment == \"prod\" ? var.node_count : max(1, floor(var.node_count / 2))",
        )
        .attr(
            "display_name",
            q("%{ if var.environment == \"prod\" }${var.project}%{ else }${var.project} (${var.environment})%{ endif }"),
        )
        .attr(
            "tsv_line",
            "join(\"\\t\", [local.service, var.region, var.environment])",
        );
    if ctx.rng.chance(50) {
        b = b.attr(
            "subnets_by_zone",
            "{ for s in var.subnets : s.zone => s.id... }",
        );
    }
    if ctx.rng.chance(60) {
        b = b.attr(
            "cidr_blocks",
            "[for i in range(length(var.subnets)) : cidrsubnet(var.vpc_cidr, 8, i)]",
        );
    }
    b = b.blank().comment("# cloud-init for every droplet in this service").attr(
        "user_data",
        format!(
            "<<-EOT\n  #cloud-config\n  package_update: true\n  packages:\n  %{{ for pkg in var.packages ~}}\n    - ${{pkg}}\n  %{{ endfor ~}}\n  runcmd:\n    - echo \"booting ${{local.name_prefix}} in {}\" > /etc/motd\n    - echo \"home is $${{HOME}}\"\nEOT",
            m.region
        ),
    );
    if ctx.rng.chance(40) {
        b = b.attr(
            "alert_policy",
            "{\n  enabled = var.environment != \"dev\"\n  window  = var.environment == \"prod\" ? \"5m\" : \"15m\"\n  emails  = length(var.alert_emails) > 0 ? var.alert_emails : [\"oncall@example.com\"]\n}",
        );
    }
    b
}

fn provider_block(ctx: &mut Ctx) -> Block {
    match ctx.rng.below(3) {
        0 => Block::new("provider \"digitalocean\""),
        1 => Block::new("provider \"digitalocean\"")
            .comment("# Token is read from DIGITALOCEAN_TOKEN in the environment.")
            .attr(
                "spaces_endpoint",
                q("https://${var.region}.digitaloceanspaces.com"),
            ),
        _ => Block::new("provider \"digitalocean\"")
            .attr("http_retry_max", ctx.rng.range(3, 8).to_string())
            .attr("http_retry_wait_min", "1")
            .attr("http_retry_wait_max", "30"),
    }
}

fn data_sources(ctx: &mut Ctx) -> Vec<Block> {
    let mut out = Vec::new();
    if ctx.rng.chance(70) {
        out.push(
            Block::new("data \"digitalocean_image\" \"base\"").attr(
                "slug",
                q(ctx
                    .rng
                    .pick(&["ubuntu-24-04-x64", "debian-12-x64", "rockylinux-9-x64"])),
            ),
        );
    }
    if ctx.rng.chance(50) {
        out.push(
            Block::new("data \"digitalocean_sizes\" \"candidates\"")
                .block(Block::new("filter").attr("key", q("vcpus")).attr(
                    "values",
                    format!("[{}, {}]", ctx.rng.range(1, 2), ctx.rng.range(4, 8)),
                ))
                .block(
                    Block::new("filter")
                        .attr("key", q("regions"))
                        .attr("values", "[var.region]"),
                )
                .block(
                    Block::new("sort")
                        .attr("key", q("price_monthly"))
                        .attr("direction", q("asc")),
                ),
        );
    }
    if ctx.m.root && ctx.rng.chance(12) {
        let region = ctx.m.region;
        out.push(
            Block::new("data \"terraform_remote_state\" \"network\"")
                .attr("backend", q("s3"))
                .attr(
                    "config",
                    format!(
                        "{{\n  endpoints = {{\n    s3 = \"https://{region}.digitaloceanspaces.com\"\n  }}\n  bucket                      = \"acme-tfstate\"\n  key                         = \"envs/${{var.environment}}/network/terraform.tfstate\"\n  region                      = \"us-east-1\"\n  skip_credentials_validation = true\n  skip_requesting_account_id  = true\n  skip_metadata_api_check     = true\n  skip_region_validation      = true\n  skip_s3_checksum            = true\n}}"
                    ),
                ),
        );
    }
    out
}

fn res_vpc(ctx: &mut Ctx) -> Block {
    let name = ctx.unique_name("digitalocean_vpc");
    ctx.output(
        &format!("{name}_vpc_id"),
        "ID of the service VPC.",
        format!("digitalocean_vpc.{name}.id"),
        false,
    );
    Block::new(format!("resource \"digitalocean_vpc\" \"{name}\""))
        .attr("name", q(&format!("${{local.name_prefix}}-{name}")))
        .attr("region", "var.region")
        .attr("ip_range", "var.vpc_cidr")
        .attr(
            "description",
            q(&format!("VPC for {} (${{var.environment}})", ctx.m.id)),
        )
}

fn res_droplet(ctx: &mut Ctx) -> Block {
    let name = ctx.unique_name("digitalocean_droplet");
    ctx.output(
        &format!("{name}_ipv4_addresses"),
        "Public IPv4 addresses of the droplets.",
        format!("digitalocean_droplet.{name}[*].ipv4_address"),
        false,
    );
    ctx.output(
        &format!("{name}_by_name"),
        "Map of droplet name to private address.",
        format!("{{ for d in digitalocean_droplet.{name} : d.name => d.ipv4_address_private }}"),
        false,
    );
    let image = if ctx.rng.chance(50) {
        "data.digitalocean_image.base.id".to_string()
    } else {
        q("ubuntu-24-04-x64")
    };
    let mut b = Block::new(format!("resource \"digitalocean_droplet\" \"{name}\""))
        .attr("count", "local.replica_count")
        .attr(
            "name",
            format!("format(\"%s-{name}-%02d\", local.name_prefix, count.index + 1)"),
        )
        .attr("image", image)
        .attr(
            "size",
            format!("lookup(var.size_overrides, \"{name}\", var.droplet_size)"),
        )
        .attr("region", "var.region")
        .attr("monitoring", "true")
        .attr("ipv6", if ctx.rng.chance(50) { "true" } else { "false" })
        .attr("tags", "local.tag_list")
        .attr("user_data", "local.user_data")
        .attr("ssh_keys", "var.ssh_key_fingerprints");
    if ctx.rng.chance(60) {
        b = b.attr_c(
            "backups",
            "var.environment == \"prod\"",
            "# weekly backups only in prod",
        );
    }
    b.blank().block(
        Block::new("lifecycle")
            .attr("create_before_destroy", "true")
            .attr("ignore_changes", "[user_data, ssh_keys]"),
    )
}

fn res_firewall(ctx: &mut Ctx) -> Block {
    let name = ctx.unique_name("digitalocean_firewall");
    let mut b = Block::new(format!("resource \"digitalocean_firewall\" \"{name}\""))
        .attr("name", q(&format!("${{local.name_prefix}}-{name}-fw")))
        .attr("tags", format!("[\"{}\"]", ctx.m.team))
        .blank()
        .block(
            Block::new("dynamic \"inbound_rule\"")
                .attr("for_each", "var.ingress_rules")
                .block(
                    Block::new("content")
                        .attr("protocol", "inbound_rule.value.protocol")
                        .attr("port_range", "inbound_rule.value.port_range")
                        .attr(
                            "source_addresses",
                            "coalescelist(inbound_rule.value.cidrs, var.allowed_cidrs)",
                        ),
                ),
        )
        .blank();
    for proto in ["tcp", "udp"] {
        b = b.block(
            Block::new("outbound_rule")
                .attr("protocol", q(proto))
                .attr("port_range", q("1-65535"))
                .attr("destination_addresses", "[\"0.0.0.0/0\", \"::/0\"]"),
        );
    }
    if ctx.rng.chance(50) {
        b = b.block(
            Block::new("outbound_rule")
                .attr("protocol", q("icmp"))
                .attr("destination_addresses", "[\"0.0.0.0/0\", \"::/0\"]"),
        );
    }
    b
}

fn res_bucket(ctx: &mut Ctx) -> Block {
    let name = ctx.unique_name("digitalocean_spaces_bucket");
    ctx.output(
        &format!("{name}_bucket_domain"),
        "Bucket domain name for uploads.",
        format!("digitalocean_spaces_bucket.{name}.bucket_domain_name"),
        false,
    );
    let days = ctx.rng.range(7, 90);
    let mut b = Block::new(format!(
        "resource \"digitalocean_spaces_bucket\" \"{name}\""
    ))
    .attr("name", q(&format!("${{local.name_prefix}}-{name}-assets")))
    .attr("region", "var.region")
    .attr("acl", q("private"))
    .attr("force_destroy", "var.environment != \"prod\"")
    .blank()
    .block(Block::new("versioning").attr("enabled", "true"))
    .blank()
    .block(
        Block::new("lifecycle_rule")
            .attr("id", q("expire-tmp"))
            .attr("enabled", "true")
            .attr("prefix", q("tmp/"))
            .blank()
            .block(Block::new("expiration").attr("days", days.to_string()))
            .blank()
            .block(
                Block::new("noncurrent_version_expiration").attr("days", (days * 2).to_string()),
            ),
    );
    if ctx.rng.chance(60) {
        b = b.blank().block(
            Block::new("dynamic \"cors_rule\"")
                .attr(
                    "for_each",
                    "var.cors_origins == null ? [] : [var.cors_origins]",
                )
                .block(
                    Block::new("content")
                        .attr("allowed_headers", "[\"*\"]")
                        .attr("allowed_methods", "[\"GET\", \"HEAD\"]")
                        .attr("allowed_origins", "cors_rule.value")
                        .attr("max_age_seconds", "3600"),
                ),
        );
    }
    b
}

fn res_bucket_policy(ctx: &mut Ctx) -> Block {
    let name = ctx.unique_name("digitalocean_spaces_bucket_policy");
    Block::new(format!("resource \"digitalocean_spaces_bucket_policy\" \"{name}\""))
        .attr("region", "var.region")
        .attr("bucket", format!("\"${{local.name_prefix}}-{name}-assets\""))
        .attr(
            "policy",
            "jsonencode({\n  Version = \"2012-10-17\"\n  Statement = [\n    {\n      Sid       = \"IPAllow\"\n      Effect    = \"Deny\"\n      Principal = \"*\"\n      Action    = \"s3:*\"\n      Resource = [\n        \"arn:aws:s3:::${local.name_prefix}-assets\",\n        \"arn:aws:s3:::${local.name_prefix}-assets/*\",\n      ]\n      Condition = {\n        NotIpAddress = {\n          \"aws:SourceIp\" = [for c in var.allowed_cidrs : c if c != \"0.0.0.0/0\"]\n        }\n      }\n    },\n  ]\n})",
        )
}

fn res_database(ctx: &mut Ctx) -> Vec<Block> {
    let name = ctx.unique_name("digitalocean_database_cluster");
    ctx.output(
        &format!("{name}_db_uri"),
        "Private connection URI of the database cluster.",
        format!("digitalocean_database_cluster.{name}.private_uri"),
        true,
    );
    let engine = ctx.rng.pick(&["pg", "mysql", "redis"]);
    let version = match engine {
        "pg" => "16",
        "mysql" => "8",
        _ => "7",
    };
    let cluster = Block::new(format!(
        "resource \"digitalocean_database_cluster\" \"{name}\""
    ))
    .attr(
        "name",
        q(&format!("${{local.name_prefix}}-{name}-{engine}")),
    )
    .attr("engine", q(engine))
    .attr("version", q(version))
    .attr("size", "var.db_size")
    .attr("region", "var.region")
    .attr("node_count", "var.environment == \"prod\" ? 3 : 1")
    .attr("tags", "local.tag_list")
    .blank()
    .block(
        Block::new("maintenance_window")
            .attr("day", q(ctx.rng.pick(&["sunday", "monday", "saturday"])))
            .attr("hour", q(&format!("{:02}:00:00", ctx.rng.range(0, 6)))),
    );
    let fw = Block::new(format!(
        "resource \"digitalocean_database_firewall\" \"{name}\""
    ))
    .attr(
        "cluster_id",
        format!("digitalocean_database_cluster.{name}.id"),
    )
    .blank()
    .block(
        Block::new("dynamic \"rule\"")
            .attr("for_each", "toset(var.allowed_cidrs)")
            .block(
                Block::new("content")
                    .attr("type", q("ip_addr"))
                    .attr("value", "rule.value"),
            ),
    )
    .blank()
    .comment("/* Allow the service's own droplets by tag. */")
    .block(
        Block::new("rule")
            .attr("type", q("tag"))
            .attr("value", q(ctx.m.team)),
    );
    vec![cluster, fw]
}

fn res_kubernetes(ctx: &mut Ctx) -> Block {
    let name = ctx.unique_name("digitalocean_kubernetes_cluster");
    ctx.output(
        &format!("{name}_endpoint"),
        "Kubernetes API endpoint.",
        format!("digitalocean_kubernetes_cluster.{name}.endpoint"),
        false,
    );
    ctx.output(
        &format!("{name}_kubeconfig"),
        "Raw kubeconfig for CI (sensitive).",
        format!("digitalocean_kubernetes_cluster.{name}.kube_config[0].raw_config"),
        true,
    );
    Block::new(format!(
        "resource \"digitalocean_kubernetes_cluster\" \"{name}\""
    ))
    .attr("name", q(&format!("${{local.name_prefix}}-{name}")))
    .attr("region", "var.region")
    .attr(
        "version",
        q(&format!(
            "1.{}.{}-do.0",
            ctx.rng.range(29, 32),
            ctx.rng.range(1, 9)
        )),
    )
    .attr("auto_upgrade", "var.environment != \"prod\"")
    .attr("surge_upgrade", "true")
    .attr("ha", "var.environment == \"prod\"")
    .blank()
    .block(
        Block::new("node_pool")
            .attr("name", q("default"))
            .attr("size", "var.droplet_size")
            .attr("auto_scale", "true")
            .attr("min_nodes", "1")
            .attr("max_nodes", "var.node_count * 2")
            .attr("labels", "merge(local.common_tags, { pool = \"default\" })")
            .blank()
            .block(
                Block::new("dynamic \"taint\"")
                    .attr("for_each", "var.dedicated ? [\"dedicated\"] : []")
                    .block(
                        Block::new("content")
                            .attr("key", "taint.value")
                            .attr("value", q("true"))
                            .attr("effect", q("NoSchedule")),
                    ),
            ),
    )
    .blank()
    .block(
        Block::new("maintenance_policy")
            .attr("start_time", q("04:00"))
            .attr("day", q("sunday")),
    )
}

fn res_loadbalancer(ctx: &mut Ctx) -> Block {
    let name = ctx.unique_name("digitalocean_loadbalancer");
    ctx.output(
        &format!("{name}_lb_ip"),
        "Public IP of the load balancer.",
        format!("digitalocean_loadbalancer.{name}.ip"),
        false,
    );
    Block::new(format!("resource \"digitalocean_loadbalancer\" \"{name}\""))
        .attr("name", q(&format!("${{local.name_prefix}}-{name}-lb")))
        .attr("region", "var.region")
        .attr("droplet_tag", q(ctx.m.team))
        .attr("redirect_http_to_https", "true")
        .blank()
        .block(
            Block::new("dynamic \"forwarding_rule\"")
                .attr(
                    "for_each",
                    "{ for p in var.listener_ports : tostring(p.entry) => p }",
                )
                .block(
                    Block::new("content")
                        .attr("entry_port", "forwarding_rule.value.entry")
                        .attr("entry_protocol", "forwarding_rule.value.protocol")
                        .attr("target_port", "forwarding_rule.value.target")
                        .attr("target_protocol", q("http"))
                        .attr(
                            "certificate_name",
                            "forwarding_rule.value.protocol == \"https\" ? var.certificate_name : null",
                        ),
                ),
        )
        .blank()
        .block(
            Block::new("healthcheck")
                .attr("port", ctx.rng.pick(&["8080", "9000", "80"]).to_string())
                .attr("protocol", q("http"))
                .attr("path", q("/healthz"))
                .attr("check_interval_seconds", "10")
                .attr("healthy_threshold", "3"),
        )
}

fn res_records(ctx: &mut Ctx) -> Block {
    let name = ctx.unique_name("digitalocean_record");
    Block::new(format!("resource \"digitalocean_record\" \"{name}\""))
        .attr("for_each", "var.dns_records")
        .attr("domain", "var.domain")
        .attr("type", "upper(each.value.type)")
        .attr("name", "each.key == \"@\" ? \"@\" : lower(each.key)")
        .attr("value", "each.value.value")
        .attr(
            "ttl",
            "try(each.value.ttl, var.environment == \"prod\" ? 3600 : 300)",
        )
}

fn res_project(ctx: &mut Ctx) -> Block {
    let name = ctx.unique_name("digitalocean_project");
    Block::new(format!("resource \"digitalocean_project\" \"{name}\""))
        .attr("name", "local.display_name")
        .attr(
            "description",
            q(&format!(
                "Resources for {} owned by team {}.\\nSee the runbook for \\\"on-call\\\" steps.",
                ctx.m.id, ctx.m.team
            )),
        )
        .attr("purpose", q("Web Application"))
        .attr(
            "environment",
            "title(var.environment == \"prod\" ? \"production\" : \"development\")",
        )
}

fn res_tags(ctx: &mut Ctx) -> Block {
    let name = ctx.unique_name("digitalocean_tag");
    Block::new(format!("resource \"digitalocean_tag\" \"{name}\""))
        .attr(
            "for_each",
            "toset([for k, v in local.common_tags : lower(replace(\"${k}-${v}\", \"_\", \"-\"))])",
        )
        .attr("name", "each.value")
}

fn res_terraform_data(ctx: &mut Ctx) -> Block {
    let name = ctx.unique_name("terraform_data");
    Block::new(format!("resource \"terraform_data\" \"{name}\""))
        .attr(
            "triggers_replace",
            "[\n  local.user_data,\n  var.droplet_size,\n]",
        )
        .blank()
        .block(
            Block::new("provisioner \"local-exec\"")
                .attr(
                    "command",
                    "<<-EOT\n  set -eu\n  echo \"notifying ${local.name_prefix}\"\n  printf '%s\\n' \"$${PWD}\" >> deploy.log\nEOT",
                )
                .attr("interpreter", "[\"/bin/bash\", \"-c\"]")
                .attr("environment", "{\n  TARGET_ENV = var.environment\n  SERVICE    = local.service\n}"),
        )
}

fn res_cdn(ctx: &mut Ctx) -> Block {
    let name = ctx.unique_name("digitalocean_cdn");
    Block::new(format!("resource \"digitalocean_cdn\" \"{name}\""))
        .attr(
            "origin",
            format!(
                "\"${{local.name_prefix}}-{name}-assets.${{var.region}}.digitaloceanspaces.com\""
            ),
        )
        .attr("ttl", "var.cdn_ttl")
        .attr(
            "custom_domain",
            "var.domain != \"\" ? \"cdn.${var.domain}\" : null",
        )
}

fn check_block(ctx: &mut Ctx) -> Block {
    let name = ctx.unique_name("check");
    Block::new(format!("check \"{name}_health\""))
        .block(
            Block::new("data \"http\" \"probe\"")
                .attr("url", "\"https://${var.domain}/healthz\"")
                .attr("request_timeout_ms", "5000"),
        )
        .blank()
        .block(
            Block::new("assert")
                .attr("condition", "data.http.probe.status_code == 200")
                .attr(
                    "error_message",
                    q("${var.domain} returned ${data.http.probe.status_code}, expected 200."),
                ),
        )
}

fn module_call(ctx: &mut Ctx) -> Block {
    let target = ctx.rng.pick(&MODULE_NAMES);
    let label = target.replace('-', "_");
    let mut b = Block::new(format!("module \"{label}\""));
    if ctx.rng.chance(70) {
        b = b.attr(
            "source",
            q(&format!("{}modules/{target}", "../".repeat(ctx.m.depth))),
        );
    } else {
        b = b
            .attr(
                "source",
                q(&format!("app.terraform.io/acme/{target}/digitalocean")),
            )
            .attr(
                "version",
                q(&format!(
                    "~> {}.{}",
                    ctx.rng.range(1, 4),
                    ctx.rng.range(0, 12)
                )),
            );
    }
    if ctx.rng.chance(30) {
        b = b.attr("count", "var.enable_monitoring ? 1 : 0");
    }
    b = b
        .blank()
        .attr("name", q(&format!("${{local.name_prefix}}-{target}")))
        .attr("region", "var.region")
        .attr("environment", "var.environment")
        .attr("tags", "local.common_tags")
        .attr("subnet_ids", "local.private_subnet_ids");
    if ctx.rng.chance(50) {
        b = b.attr(
            "settings",
            "{\n  replicas = local.replica_count\n  size     = var.droplet_size\n  labels   = local.upper_tags\n}",
        );
    }
    b
}

fn main_tf(ctx: &mut Ctx) -> String {
    let mut items = vec![header_comment(ctx), Item::Blank];
    if ctx.m.root && ctx.rng.chance(55) {
        items.push(Item::Block(provider_block(ctx)));
        items.push(Item::Blank);
    }
    items.push(Item::Block(locals_block(ctx)));
    for d in data_sources(ctx) {
        items.push(Item::Blank);
        items.push(Item::Block(d));
    }
    let count = ctx.rng.range(3, 9);
    for _ in 0..count {
        items.push(Item::Blank);
        if ctx.rng.chance(15) {
            let note = ctx.rng.pick(&[
                "# TODO(platform): move this into a shared module.",
                "// Keep in sync with the runbook.",
                "/* Sized for peak traffic; see capacity plan. */",
            ]);
            items.push(Item::Comment(note.to_string()));
        }
        let blocks = match ctx.rng.below(13) {
            0 => vec![res_vpc(ctx)],
            1 | 2 => vec![res_droplet(ctx)],
            3 => vec![res_firewall(ctx)],
            4 => vec![res_bucket(ctx)],
            5 => vec![res_bucket_policy(ctx)],
            6 => res_database(ctx),
            7 => vec![res_kubernetes(ctx)],
            8 => vec![res_loadbalancer(ctx)],
            9 => vec![res_records(ctx)],
            10 => vec![res_project(ctx), res_tags(ctx)],
            11 => vec![res_terraform_data(ctx)],
            _ => vec![res_cdn(ctx)],
        };
        for (n, block) in blocks.into_iter().enumerate() {
            if n > 0 {
                items.push(Item::Blank);
            }
            items.push(Item::Block(block));
        }
    }
    if ctx.rng.chance(15) {
        items.push(Item::Blank);
        items.push(Item::Block(check_block(ctx)));
    }
    if ctx.m.root {
        for _ in 0..ctx.rng.range(0, 3) {
            items.push(Item::Blank);
            items.push(Item::Block(module_call(ctx)));
        }
    }
    render_file(&items)
}

// ---------------------------------------------------------------------------
// variables.tf
// ---------------------------------------------------------------------------

fn variable(name: &str, ty: &str, description: &str, default: Option<&str>) -> Block {
    let mut b = Block::new(format!("variable \"{name}\""))
        .attr("type", ty)
        .attr("description", q(description));
    if let Some(default) = default {
        b = b.attr("default", default);
    }
    b
}

fn validation(condition: &str, message: &str) -> Block {
    Block::new("validation")
        .attr("condition", condition)
        .attr("error_message", q(message))
}

fn variables_tf(ctx: &mut Ctx) -> String {
    let m = ctx.m;
    let region = m.region;
    let mut vars = vec![
        variable("project", "string", "Project slug used as a name prefix.", Some(&q(m.team)))
            .blank()
            .block(validation(
                "can(regex(\"^[a-z][a-z0-9-]{2,30}$\", var.project))",
                "The project must be 3-31 lowercase letters, digits or dashes.",
            )),
        variable("environment", "string", "Deployment environment.", Some(&q(m.env)))
            .blank()
            .block(validation(
                "contains([\"prod\", \"staging\", \"dev\", \"qa\", \"sandbox\", \"perf\"], var.environment)",
                "Use one of: prod, staging, dev, qa, sandbox, perf.",
            )),
        variable("region", "string", "DigitalOcean region slug, e.g. \\\"nyc3\\\".", Some(&q(region))),
        variable("vpc_cidr", "string", "CIDR range of the service VPC.", Some(&q(&format!("10.{}.0.0/16", ctx.rng.range(1, 250)))))
            .blank()
            .block(validation("can(cidrhost(var.vpc_cidr, 0))", "The vpc_cidr must be a valid IPv4 CIDR block.")),
        variable("tags", "map(string)", "Extra tags merged into every resource.\\nKeys should be lowercase.", Some("{}"))
            .blank()
            .block(validation(
                "alltrue([for k in keys(var.tags) : can(regex(\"^[a-z0-9_\\\\-]+$\", k))])",
                "Tag keys may only contain a-z, 0-9, \\\"_\\\" and \\\"-\\\".",
            )),
        variable(
            "subnets",
            "list(object({\n  id     = string\n  zone   = string\n  public = optional(bool, false)\n}))",
            "Subnets available to the service.",
            Some("[]"),
        ),
        variable(
            "ingress_rules",
            "list(object({\n  protocol   = string\n  port_range = string\n  cidrs      = optional(list(string), [])\n}))",
            "Inbound firewall rules.",
            Some("[\n  {\n    protocol   = \"tcp\"\n    port_range = \"443\"\n  },\n  {\n    protocol   = \"tcp\"\n    port_range = \"22\"\n    cidrs      = [\"10.0.0.0/8\"]\n  },\n]"),
        ),
        variable("allowed_cidrs", "list(string)", "CIDR blocks allowed to reach private endpoints.", Some("[\"10.0.0.0/8\"]")),
        variable("droplet_size", "string", "Default droplet size slug.", Some(&q(ctx.rng.pick(&SIZES))))
            .blank()
            .block(validation(
                "can(regex(\"^(s|c|g|m)-\", var.droplet_size))",
                "The droplet_size must be a valid size slug such as s-2vcpu-4gb.",
            )),
        variable("size_overrides", "map(string)", "Per-role droplet size overrides.", Some("{}")),
        variable("node_count", "number", "Nodes per pool in production.", Some(&ctx.rng.range(2, 6).to_string()))
            .blank()
            .block(validation(
                "var.node_count >= 1 && var.node_count <= 20 && floor(var.node_count) == var.node_count",
                "The node_count must be a whole number between 1 and 20.",
            )),
        variable("packages", "list(string)", "Packages installed by cloud-init.", Some("[\"curl\", \"jq\", \"unattended-upgrades\"]")),
        variable("ssh_key_fingerprints", "list(string)", "Fingerprints of SSH keys to install.", Some("[]")),
        variable("db_size", "string", "Database node size.", Some(&q("db-s-1vcpu-2gb"))),
        variable("domain", "string", "DNS zone managed by this service.", Some(&q(&format!("{}.example.com", m.team)))),
        variable(
            "dns_records",
            "map(object({\n  type  = string\n  value = string\n  ttl   = optional(number)\n}))",
            "Records to create, keyed by name.",
            Some("{}"),
        ),
        variable(
            "listener_ports",
            "list(object({ entry = number, target = number, protocol = string }))",
            "Load balancer listeners.",
            Some("[{ entry = 443, target = 8080, protocol = \"https\" }]"),
        ),
        variable("certificate_name", "string", "Name of the managed certificate.", Some("null")),
        variable("cors_origins", "list(string)", "Origins allowed by CORS, or null to disable.", Some("null")),
        variable("dedicated", "bool", "Taint the node pool for dedicated workloads.", Some("false")),
        variable("cdn_ttl", "number", "CDN cache TTL in seconds.", Some("3600")),
        variable("enable_monitoring", "bool", "Deploy the monitoring module.", Some("true")),
        variable("alert_emails", "list(string)", "Where to send alerts.", Some("[]")),
    ];
    if ctx.rng.chance(40) {
        vars.push(
            variable(
                "log_level",
                "string",
                "Application log level.",
                Some(&q("info")),
            )
            .blank()
            .block(validation(
                "contains([\"debug\", \"info\", \"warn\", \"error\"], lower(var.log_level))",
                "The log_level must be debug, info, warn or error.",
            )),
        );
    }
    if ctx.rng.chance(30) {
        vars.push(
            variable(
                "maintenance_window",
                "object({\n  day  = string\n  hour = number\n})",
                "Weekly maintenance window (UTC).",
                Some("{\n  day  = \"sunday\"\n  hour = 4\n}"),
            )
            .attr("nullable", "false"),
        );
    }
    if ctx.rng.chance(25) {
        vars.push(
            Block::new("variable \"db_password\"")
                .attr("type", "string")
                .attr(
                    "description",
                    q("Database password, supplied by CI from the secret store."),
                )
                .attr("sensitive", "true")
                .attr("nullable", "true")
                .attr("default", "null"),
        );
    }
    let mut items = Vec::new();
    if ctx.rng.chance(50) {
        items.push(Item::Comment(format!("# Inputs for {}.", m.id)));
        items.push(Item::Blank);
    }
    for (n, v) in vars.into_iter().enumerate() {
        if n > 0 {
            items.push(Item::Blank);
        }
        items.push(Item::Block(v));
    }
    render_file(&items)
}

// ---------------------------------------------------------------------------
// outputs.tf
// ---------------------------------------------------------------------------

fn outputs_tf(ctx: &mut Ctx) -> String {
    let mut outputs = std::mem::take(&mut ctx.outputs);
    outputs.push(OutputSpec {
        name: "name_prefix".into(),
        description: "Prefix applied to every resource name.".into(),
        value: "local.name_prefix".into(),
        sensitive: false,
    });
    outputs.push(OutputSpec {
        name: "tags".into(),
        description: "Tags applied to every resource.".into(),
        value: "local.common_tags".into(),
        sensitive: false,
    });
    outputs.push(OutputSpec {
        name: "public_subnet_ids".into(),
        description: "IDs of public subnets.".into(),
        value: "local.public_subnet_ids".into(),
        sensitive: false,
    });
    outputs.push(OutputSpec {
        name: "summary".into(),
        description: "Human readable summary.".into(),
        value: "<<-EOT\n  Service ${local.service} in ${var.region} (${var.environment})\n  %{ if length(local.public_subnet_ids) > 0 }public subnets: ${join(\", \", local.public_subnet_ids)}%{ else }no public subnets%{ endif }\nEOT".into(),
        sensitive: false,
    });
    let mut items = Vec::new();
    for (n, o) in outputs.iter().enumerate() {
        if n > 0 {
            items.push(Item::Blank);
        }
        let mut b = Block::new(format!("output \"{}\"", o.name))
            .attr("description", q(&o.description))
            .attr("value", o.value.as_str());
        if o.sensitive {
            b = b.attr("sensitive", "true");
        }
        if ctx.rng.chance(8) {
            b = b
                .blank()
                .comment("// Fail early if tagging is misconfigured.")
                .block(
                    Block::new("precondition")
                        .attr("condition", "length(local.common_tags) > 0")
                        .attr("error_message", q("At least one tag is required.")),
                );
        }
        items.push(Item::Block(b));
    }
    render_file(&items)
}

// ---------------------------------------------------------------------------
// versions.tf
// ---------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Backend {
    None,
    Good,
    MissingSkipFlag(usize),
    OldRequiredVersion,
    SpacesRegion,
    NoLockfile,
    DeprecatedEndpoint,
    Legacy,
    Local,
}

fn choose_backend(rng: &mut Rng, m: &Module) -> Backend {
    if !m.root {
        return Backend::None;
    }
    if !rng.chance(30) {
        return if rng.chance(4) {
            Backend::Local
        } else {
            Backend::None
        };
    }
    if rng.chance(65) {
        return Backend::Good;
    }
    match rng.below(6) {
        0 => Backend::MissingSkipFlag(rng.below(SKIP_FLAGS.len())),
        1 => Backend::OldRequiredVersion,
        2 => Backend::SpacesRegion,
        3 => Backend::NoLockfile,
        4 => Backend::DeprecatedEndpoint,
        _ => Backend::Legacy,
    }
}

fn backend_block(ctx: &mut Ctx, kind: Backend) -> Block {
    let m = ctx.m;
    let key = format!("{}/terraform.tfstate", m.rel);
    let bucket = if ctx.rng.chance(50) {
        "acme-tfstate".to_string()
    } else {
        format!("acme-tfstate-{}", m.env)
    };
    let endpoint_region = if matches!(kind, Backend::DeprecatedEndpoint) {
        "fra1"
    } else {
        m.region
    };
    let endpoint = format!("https://{endpoint_region}.digitaloceanspaces.com");
    let mut b = Block::new("backend \"s3\"");
    if ctx.rng.chance(20) {
        b = b.comment("# DigitalOcean Spaces is S3-compatible; AWS-only checks are skipped.");
    }
    if matches!(kind, Backend::DeprecatedEndpoint | Backend::Legacy) {
        b = b.attr("endpoint", q(&endpoint));
    } else if ctx.rng.chance(20) {
        b = b.attr("endpoints", format!("{{ s3 = \"{endpoint}\" }}"));
    } else {
        b = b.attr("endpoints", format!("{{\n  s3 = \"{endpoint}\"\n}}"));
    }
    b = b.attr("bucket", q(&bucket)).attr("key", q(&key));
    if ctx.rng.chance(30) {
        b = b.blank();
    }
    for (n, flag) in SKIP_FLAGS.iter().enumerate() {
        let skip = match kind {
            Backend::MissingSkipFlag(missing) => n == missing,
            Backend::Legacy => *flag == "skip_requesting_account_id" || *flag == "skip_s3_checksum",
            _ => false,
        };
        if !skip {
            b = b.attr(flag, "true");
        }
    }
    let region = if matches!(kind, Backend::SpacesRegion | Backend::Legacy) {
        m.region
    } else {
        "us-east-1"
    };
    b = b.attr("region", q(region));
    if !matches!(kind, Backend::NoLockfile | Backend::Legacy) {
        b = b.attr("use_lockfile", "true");
    }
    b
}

fn versions_tf(ctx: &mut Ctx, kind: Backend) -> String {
    let required = match kind {
        Backend::OldRequiredVersion | Backend::Legacy => ">= 1.5".to_string(),
        Backend::None | Backend::Local if !ctx.m.root => ctx
            .rng
            .pick(&[">= 1.6", ">= 1.5, < 2.0", "~> 1.9"])
            .to_string(),
        _ => ctx
            .rng
            .pick(&["~> 1.11", ">= 1.11", "~> 1.12", ">= 1.11.0, < 2.0.0"])
            .to_string(),
    };
    let do_version = format!("~> 2.{}", ctx.rng.range(40, 60));
    let mut providers = Block::new("required_providers").attr(
        "digitalocean",
        format!("{{\n  source  = \"digitalocean/digitalocean\"\n  version = \"{do_version}\"\n}}"),
    );
    if ctx.rng.chance(40) {
        providers = providers.attr(
            "random",
            "{\n  source  = \"hashicorp/random\"\n  version = \"~> 3.6\"\n}",
        );
    }
    if ctx.rng.chance(15) {
        providers = providers.attr(
            "http",
            "{\n  source  = \"hashicorp/http\"\n  version = \">= 3.4\"\n}",
        );
    }
    let mut tf = Block::new("terraform")
        .attr("required_version", q(&required))
        .blank()
        .block(providers);
    match kind {
        Backend::None => {}
        Backend::Local => {
            tf = tf
                .blank()
                .block(Block::new("backend \"local\"").attr("path", q("terraform.tfstate")));
        }
        _ => {
            let backend = backend_block(ctx, kind);
            tf = tf.blank().block(backend);
        }
    }
    let mut items = Vec::new();
    if ctx.rng.chance(35) {
        items.push(Item::Comment(
            "// Provider and Terraform version constraints.".to_string(),
        ));
    }
    items.push(Item::Block(tf));
    render_file(&items)
}

// ---------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Stats {
    files: usize,
    modules: usize,
    bytes: u64,
    backends: usize,
    bad_backends: usize,
}

fn write_module(
    out: &Path,
    seed: u64,
    index: usize,
    nfiles: usize,
    stats: &mut Stats,
) -> io::Result<()> {
    let mut rng = module_rng(seed, index);
    let m = plan_module(&mut rng, index);
    let kind = choose_backend(&mut rng, &m);
    let mut ctx = Ctx {
        rng,
        m: &m,
        outputs: Vec::new(),
        used_names: Vec::new(),
    };
    // Generate all four files so a truncated last module is a prefix of the
    // full one.
    let main = main_tf(&mut ctx);
    let variables = variables_tf(&mut ctx);
    let outputs = outputs_tf(&mut ctx);
    let versions = versions_tf(&mut ctx, kind);
    let dir = out.join(&m.rel);
    fs::create_dir_all(&dir)?;
    for (name, text) in FILE_NAMES
        .iter()
        .zip([main, variables, outputs, versions])
        .take(nfiles)
    {
        fs::write(dir.join(name), text.as_bytes())?;
        stats.files += 1;
        stats.bytes += text.len() as u64;
    }
    stats.modules += 1;
    if nfiles == FILES_PER_MODULE && !matches!(kind, Backend::None | Backend::Local) {
        stats.backends += 1;
        if !matches!(kind, Backend::Good) {
            stats.bad_backends += 1;
        }
    }
    Ok(())
}

fn run(args: &Args) -> io::Result<Stats> {
    fs::create_dir_all(&args.out)?;
    let modules = args.files.div_ceil(FILES_PER_MODULE);
    let workers = thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let results: Vec<io::Result<Stats>> = thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                scope.spawn(move || {
                    let mut stats = Stats::default();
                    for index in (worker..modules).step_by(workers) {
                        let nfiles = (args.files - index * FILES_PER_MODULE).min(FILES_PER_MODULE);
                        write_module(&args.out, args.seed, index, nfiles, &mut stats)?;
                    }
                    Ok(stats)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("generator thread panicked"))
            .collect()
    });
    let mut total = Stats::default();
    for r in results {
        let s = r?;
        total.files += s.files;
        total.modules += s.modules;
        total.bytes += s.bytes;
        total.backends += s.backends;
        total.bad_backends += s.bad_backends;
    }
    Ok(total)
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(err) => {
            eprintln!("gen_corpus: {err}\n{USAGE}");
            process::exit(2);
        }
    };
    if fs::read_dir(&args.out).is_ok_and(|mut d| d.next().is_some()) {
        eprintln!(
            "gen_corpus: warning: {} is not empty; existing files are kept",
            args.out.display()
        );
    }
    let start = Instant::now();
    match run(&args) {
        Ok(stats) => eprintln!(
            "gen_corpus: {} files, {} modules, {} bytes ({} s3 backends, {} misconfigured), seed {}, {:.2}s -> {}",
            stats.files,
            stats.modules,
            stats.bytes,
            stats.backends,
            stats.bad_backends,
            args.seed,
            start.elapsed().as_secs_f64(),
            args.out.display()
        ),
        Err(err) => {
            eprintln!("gen_corpus: error writing {}: {err}", args.out.display());
            process::exit(1);
        }
    }
}
