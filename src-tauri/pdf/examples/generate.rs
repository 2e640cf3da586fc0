//! Writes a synthetic contributors report of N incidents (three contributions each, by default)
//! as JSON, for measuring render speed.
//!
//! ```sh
//! cargo run --release -p afterword-pdf --example generate -- 10000 /tmp/big.json [contributions-per-incident]
//! ```

use serde_json::{json, Value};

const KINDS: &[&str] = &["Phishing report", "Security incident", "Vulnerability remediation", "Other"];
const STATUSES: &[&str] = &["Open", "Investigating", "Contained", "Resolved", "Closed"];
const SEVERITIES: &[&str] = &["Low", "Medium", "High", "Critical"];
const TLPS: &[(&str, &str)] = &[
    ("clear", "TLP:CLEAR"),
    ("green", "TLP:GREEN"),
    ("amber", "TLP:AMBER"),
    ("amber+strict", "TLP:AMBER+STRICT"),
    ("red", "TLP:RED"),
];
const ROLES: &[&str] =
    &["Finder / reporter", "Log provider", "Analyst", "Coordinator", "Remediation", "Expertise", "Access", "Other"];
const ORGS: &[&str] = &["Example Corp", "Acme Security GmbH", "Vendor Networks Ltd", "Partner Bank", "City Council"];
const TEAMS: &[&str] = &["IT Operations", "Finance", "Helpdesk", "Network", "HR", "Facilities", "Legal", "Support"];
const FIRST: &[&str] = &["Jane", "Kwame", "Olga", "Sam", "Priya", "Lukas", "Mei", "Tomás", "Aisha", "Noah"];
const LAST: &[&str] = &["Doe", "Mensah", "Petrova", "Lee", "Sharma", "Becker", "Chen", "García", "Khan", "Smith"];
const THANKED: &[&str] = &["thanked", "thanked", "queued", "not_thanked"];
const WHAT: &[&str] = &[
    "Forwarded the phishing mail",
    "Proxy logs 1–3 November",
    "Firewall exports for the DMZ, exported as CSV",
    "Reverse-engineered the attachment",
    "Reset the affected accounts out of hours",
    "Patched the VPN appliance during the weekend window",
    "Mail gateway logs",
    "Screenshots of the fake login page",
];
const IMPACT: &[&str] = &[
    "Let us block the sender within minutes",
    "Showed who had clicked the link",
    "Confirmed no data left the network",
    "Found the second-stage download URL",
    "Closed the hole two weeks early",
    "Gave us the timeline for the report to management",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: usize = args.first().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let path = args.get(1).cloned().unwrap_or_else(|| "/tmp/afterword-big.json".to_owned());
    let per: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(3);

    let mut incidents = Vec::with_capacity(count);
    let mut by_role = vec![0u64; ROLES.len()];
    let mut by_org = vec![0u64; ORGS.len()];
    let mut thanked = [0u64; 3];
    for i in 0..count {
        let (tlp, tlp_label) = TLPS[i % TLPS.len()];
        // Opened through the year in order, as the core sorts them.
        let day = i * 336 / count.max(1);
        let (month, mday) = (1 + day / 28, 1 + day % 28);
        let contributions: Vec<Value> = (0..per)
            .map(|j| {
                let n = i * per + j;
                let role = (n * 7) % ROLES.len();
                let org = (n * 3) % ORGS.len();
                let state = THANKED[n % THANKED.len()];
                by_role[role] += 1;
                by_org[org] += 1;
                thanked[match state {
                    "thanked" => 0,
                    "queued" => 1,
                    _ => 2,
                }] += 1;
                let pseudonymous = n.is_multiple_of(11);
                let name = if pseudonymous {
                    format!("Contributor {}, {}", n % 97, TEAMS[n % TEAMS.len()])
                } else {
                    format!("{} {}", FIRST[n % FIRST.len()], LAST[(n / 3) % LAST.len()])
                };
                json!({
                    "contributor": name, "pseudonymous": pseudonymous,
                    "organisation": ORGS[org], "team": TEAMS[n % TEAMS.len()], "role": ROLES[role],
                    "what": WHAT[n % WHAT.len()],
                    "impact": IMPACT[(n / 2) % IMPACT.len()],
                    "given_on": format!("2026-{month:02}-{mday:02}"),
                    "thanked": state,
                    "thanked_on": if state == "thanked" { json!(format!("2026-{month:02}-{:02}", 1 + (mday + 2) % 28)) } else { Value::Null },
                })
            })
            .collect();
        incidents.push(json!({
            "reference": format!("INC-2026-{:05}", i + 1),
            "title": format!("Synthetic incident number {} with a title of ordinary length", i + 1),
            "kind": KINDS[i % KINDS.len()], "status": STATUSES[i % STATUSES.len()],
            "severity": SEVERITIES[i % SEVERITIES.len()], "tlp": tlp, "tlp_label": tlp_label,
            "opened_on": format!("2026-{month:02}-{mday:02}"),
            "closed_on": if i % 3 == 0 { Value::Null } else { json!(format!("2026-{month:02}-{:02}", 1 + (mday + 1) % 28)) },
            "contributions": contributions,
        }));
    }
    let mut group: Vec<Value> =
        ORGS.iter().zip(&by_org).map(|(label, count)| json!({"label": label, "count": count})).collect();
    group.sort_by_key(|v| std::cmp::Reverse(v["count"].as_u64()));
    let mut role: Vec<Value> =
        ROLES.iter().zip(&by_role).map(|(label, count)| json!({"label": label, "count": count})).collect();
    role.sort_by_key(|v| std::cmp::Reverse(v["count"].as_u64()));
    let data = json!({
        "title": "Contributor report", "subtitle": "1 January 2026 – 31 December 2026",
        "organisation": "Example Corp", "author": "Ana Analyst", "generated_at": "7 December 2026",
        "filters": [], "include_internal": false,
        "totals": {"incidents": count, "contributions": count * per, "contributors": FIRST.len() * LAST.len(),
                   "thanked": thanked[0], "queued": thanked[1], "not_thanked": thanked[2]},
        "by_group_heading": "Contributions by organisation", "by_group": group, "by_role": role,
        "incidents": incidents,
    });
    std::fs::write(&path, serde_json::to_vec(&data).expect("serializable")).expect("writable output");
    eprintln!("wrote {count} incidents to {path}");
}
