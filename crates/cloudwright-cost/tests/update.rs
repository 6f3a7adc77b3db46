//! `pricing update` on small offer files written in the Price List's real
//! JSON and CSV forms: the index chain, product filtering, tiers, several
//! terms per SKU, and cut files that leave the previous catalogue intact.

use cloudwright_cost::catalogue::Selector;
use cloudwright_cost::update::{update, write_catalogue, Format, Source, UpdateOptions};
use cloudwright_cost::Catalogue;
use std::path::{Path, PathBuf};

fn price_list() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/price-list")
}

fn options(format: Format) -> UpdateOptions {
    UpdateOptions {
        regions: vec!["us-east-1".into()],
        format,
        services: vec!["AmazonEC2".into(), "AmazonS3".into()],
    }
}

fn temp(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("cloudwright-update-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn check(c: &Catalogue) {
    let ec2 =
        Selector::new("AmazonEC2", "Compute Instance", "Hrs").with("instanceType", "m5.large");
    let t = c.lookup("us-east-1", &ec2).unwrap();
    // Linux on-demand only: not Windows, not the reserved term
    assert_eq!(t.tiers, vec![(0.0, 0.096)]);
    assert_eq!(t.effective, "2025-05-01");
    assert_eq!(t.source, "aws-price-list:AmazonEC2:2025-06-01");
    let nat = Selector::new("AmazonEC2", "NAT Gateway", "GB").with("usagetype", "NatGateway-Bytes");
    assert_eq!(
        c.lookup("us-east-1", &nat).unwrap().tiers,
        vec![(0.0, 0.045)]
    );
    let s3 = Selector::new("AmazonS3", "Storage", "GB-Mo").with("volumeType", "Standard");
    assert_eq!(
        c.lookup("us-east-1", &s3).unwrap().tiers,
        vec![(0.0, 0.023), (51200.0, 0.022), (512000.0, 0.021)]
    );
    // the Ohio product is another region's
    let ohio =
        Selector::new("AmazonEC2", "NAT Gateway", "Hrs").with("usagetype", "NatGateway-Hours");
    assert!(c.lookup("us-east-2", &ohio).is_none());
    assert_eq!(c.records().len(), 7);
}

#[test]
fn json_and_csv_offer_files_give_the_same_catalogue() {
    for (format, name) in [(Format::Json, "json"), (Format::Csv, "csv")] {
        let source = Source::Dir(price_list());
        let updated = update(&source, &options(format)).unwrap();
        assert!(updated.dropped.is_empty(), "{:?}", updated.dropped);
        assert_eq!(updated.files.len(), 2, "{:?}", updated.files);
        let dir = temp(name);
        let path = dir.join("pricing.tsv");
        write_catalogue(&updated.records, &path).unwrap();
        check(&Catalogue::read(&path).unwrap());
        // the update overlays the shipped prices for what it covers
        let merged = Catalogue::embedded().overlay(Catalogue::read(&path).unwrap());
        let m5 =
            Selector::new("AmazonEC2", "Compute Instance", "Hrs").with("instanceType", "m5.xlarge");
        assert!(
            merged.lookup("us-east-1", &m5).is_none(),
            "us-east-1 EC2 is replaced by the update"
        );
        assert!(
            merged.lookup("eu-west-1", &m5).is_some(),
            "eu-west-1 keeps the shipped prices"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A copy of the fixture Price List with one offer file cut short.
fn cut_copy(name: &str, file: &str, keep: usize) -> PathBuf {
    let dir = temp(name);
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            let target = to.join(e.file_name());
            if e.path().is_dir() {
                copy(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), &target).unwrap();
            }
        }
    }
    copy(&price_list(), &dir);
    let path = dir
        .join("offers/v1.0/aws/AmazonS3/20250601/us-east-1")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &text[..keep]).unwrap();
    dir
}

#[test]
fn a_cut_file_is_a_clear_error_and_the_previous_catalogue_stays() {
    let target_dir = temp("keep");
    let target = target_dir.join("pricing.tsv");
    let previous = "AmazonEC2\tus-east-1\tCompute Instance\tinstanceType=m5.large\tHrs\t0\t0.1\t2024-01-01\told\n";
    std::fs::write(&target, previous).unwrap();
    for (format, file, keep) in [
        (Format::Json, "index.json", 700),
        (Format::Csv, "index.csv", 560),
    ] {
        let dir = cut_copy(file, file, keep);
        let err = update(&Source::Dir(dir.clone()), &options(format)).unwrap_err();
        assert!(
            err.contains("AmazonS3/20250601/us-east-1/")
                && (err.contains("EOF") || err.contains("cut file")),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), previous);
        let _ = std::fs::remove_dir_all(dir);
    }
    let _ = std::fs::remove_dir_all(target_dir);
}

#[test]
fn a_missing_region_or_service_says_so() {
    let source = Source::Dir(price_list());
    let mut o = options(Format::Json);
    o.regions = vec!["eu-west-1".into()];
    assert_eq!(
        update(&source, &o).unwrap_err(),
        "AmazonEC2 has no offer file for eu-west-1"
    );
    let mut o = options(Format::Json);
    o.services = vec!["AmazonRDS".into()];
    assert_eq!(
        update(&source, &o).unwrap_err(),
        "the offer index has no AmazonRDS (is this the AWS Price List?)"
    );
}

/// The same update over HTTP: a server on the loopback address serves the
/// fixture Price List the way pricing.us-east-1.amazonaws.com lays it out.
#[test]
fn the_price_list_is_read_over_http_too() {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let root = price_list();
    // serves a bounded number of requests, then stops
    let server = std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            reader.read_line(&mut request).unwrap();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap() == 0 || header == "\r\n" {
                    break;
                }
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            match std::fs::read(root.join(path.trim_start_matches('/'))) {
                Ok(body) => {
                    write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .unwrap();
                    stream.write_all(&body).unwrap();
                }
                Err(_) => {
                    write!(
                        stream,
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                    .unwrap();
                }
            }
        }
    });
    let source = Source::parse(&format!("http://127.0.0.1:{port}"));
    let mut o = options(Format::Csv);
    o.services = vec!["AmazonEC2".into()];
    // index, region index, offer file: three requests
    let updated = update(&source, &o).unwrap();
    assert_eq!(updated.records.len(), 4, "{:?}", updated.records);
    assert!(updated.files[0].contains(&format!(
        "http://127.0.0.1:{port}/offers/v1.0/aws/AmazonEC2/20250601/us-east-1/index.csv"
    )));
    // a missing file is the URL and the status
    let mut o = options(Format::Csv);
    o.services = vec!["AmazonEC2".into()];
    o.regions = vec!["us-east-1".into()];
    let missing = Source::parse(&format!("http://127.0.0.1:{port}/nowhere"));
    let err = update(&missing, &o).unwrap_err();
    assert!(
        err.contains("/nowhere/offers/v1.0/aws/index.json") && err.contains("404"),
        "{err}"
    );
    server.join().unwrap();
}
