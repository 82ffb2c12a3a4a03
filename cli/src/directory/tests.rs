//! The directory commands, parsed and run against a directory.

use super::*;
use std::path::Path;

use clap::{CommandFactory, Parser, Subcommand};

/// How `main.rs` wires these in.
#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    command: Top,
}

#[derive(Debug, Subcommand)]
enum Top {
    Org(OrgArgs),
    Member(MemberArgs),
    Contact(ContactArgs),
    Directory(DirectoryArgs),
}

#[test]
fn the_commands_parse() {
    Cli::command().debug_assert();
    let cli = Cli::try_parse_from([
        "slamail",
        "org",
        "create",
        "acme",
        "--name",
        "Acme",
        "--policy",
        "activestate",
        "--tier",
        "Enterprise",
        "--extra-contacts",
        "1",
        "--domain",
        "acme.example",
        "--table",
        "dir",
        "--actor",
        "jo",
    ])
    .unwrap();
    let Top::Org(args) = cli.command else {
        panic!("not org")
    };
    assert_eq!(args.target.table.as_deref(), Some("dir"));
    assert_eq!(args.target.actor().to_string(), "operator:jo");
    assert!(matches!(
        args.command,
        OrgCommand::Create {
            extra_contacts: 1,
            ..
        }
    ));

    let cli = Cli::try_parse_from([
        "slamail",
        "member",
        "add",
        "acme",
        "Bob@Acme.example",
        "--role",
        "third party",
    ])
    .unwrap();
    let Top::Member(MemberArgs {
        command: MemberCommand::Add { email, role, .. },
        ..
    }) = cli.command
    else {
        panic!("not member add")
    };
    assert_eq!(email.as_str(), "bob@acme.example");
    assert_eq!(role, Role::ThirdParty);
    assert!(Cli::try_parse_from(["slamail", "contact", "designate", "Acme!", "a@b.c"]).is_err());
    assert!(
        Cli::try_parse_from([
            "slamail", "member", "add", "acme", "x@y.z", "--role", "boss"
        ])
        .is_err()
    );
    assert!(Cli::try_parse_from(["slamail", "directory", "import", "x.toml"]).is_ok());
}

#[test]
fn import_files_by_extension() {
    let dir = std::env::temp_dir().join(format!("slamail-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("d.json");
    std::fs::write(
        &json,
        r#"{"orgs":[{"id":"a","name":"A","policy":"scalr","tier":"business",
            "members":[{"email":"X@a.example","name":"X","designated":true}]}]}"#,
    )
    .unwrap();
    let f = read_import(&json).unwrap();
    assert_eq!(f.orgs[0].members[0].email.as_str(), "x@a.example");
    assert_eq!(f.orgs[0].members[0].role, Role::Member);
    let yaml = dir.join("d.yaml");
    std::fs::write(&yaml, "orgs: []").unwrap();
    assert!(matches!(
        read_import(&yaml),
        Err(DirectoryCliError::Input(_))
    ));
    let dup = dir.join("dup.toml");
    std::fs::write(
        &dup,
        "[[orgs]]\nid='a'\nname='A'\npolicy='scalr'\ntier='free'\n[[orgs]]\nid='a'\nname='B'\npolicy='scalr'\ntier='free'\n",
    )
    .unwrap();
    assert!(read_import(&dup).unwrap_err().to_string().contains("twice"));
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "[[orgs]]\nid='a'\nname='A'\npolicy='scalr'\ntier='free'\ncolour='red'\n",
    )
    .unwrap();
    assert!(read_import(&bad).is_err());
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samplemail/directory.toml");
    assert_eq!(read_import(&sample).unwrap().orgs.len(), 5);
    std::fs::remove_dir_all(&dir).ok();
}
