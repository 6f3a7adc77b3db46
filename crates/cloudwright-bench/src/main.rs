fn main() {
    let paths: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let g = cloudwright_terraform::load(&paths, &Default::default());
    for r in &g.resources {
        println!("{} = {}", r.address, r.attributes);
        for re in &r.references {
            println!("   -> {:?}", re);
        }
    }
    for d in &g.diagnostics {
        println!(
            "{:?} {} {:?}",
            d.severity,
            d.message,
            d.span.map(|s| (s.line, s.column))
        );
    }
}
