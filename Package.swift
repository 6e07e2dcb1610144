// swift-tools-version:6.0
import PackageDescription

// Linux only: Sentinel calls glibc directly (Glibc, posix_spawn, flock,
// syncfs), links Debian's hiredis, cmark-gfm and SQLite, and opens its
// libcurl when it first sends (a build, which sends nothing, starts
// without its 30 libraries).
let package = Package(
    name: "Sentinel",
    products: [
        .executable(name: "sentinel-gen", targets: ["sentinel-gen"]),
        .library(name: "Metrics", targets: ["Metrics"]),
        .library(name: "Templates", targets: ["Templates"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // Sentinel's own C: libcurl (opened on first use) under a deadline, the hiredis reply
        // arena, cmark-gfm's per-thread allocator, syncfs.
        .target(name: "CSupport", linkerSettings: [.linkedLibrary("hiredis")]),
        .target(
            name: "Metrics",
            dependencies: [
                "CHiredis",
                "CSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The state directory's ledger: SQLite through GRDB, one file.
        .target(name: "Ledger", dependencies: ["Metrics", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(
            name: "Templates",
            dependencies: ["Metrics", "CCmarkGFM", "CSupport", .product(name: "Mustache", package: "swift-mustache")]
        ),
        .target(name: "Delivery", dependencies: ["CSupport", "Metrics", "Templates", .product(name: "Crypto", package: "swift-crypto")]),
        // What each command does, step by step, over the stages above.
        .target(name: "Jobs", dependencies: ["Metrics", "Ledger", "Templates", "Delivery"]),
        .executableTarget(
            name: "sentinel-gen",
            dependencies: [
                "Metrics",
                "Templates",
                "Delivery",
                "Jobs",
                "Ledger",
                "CSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics"]),
        .testTarget(name: "TemplatesTests", dependencies: ["Templates", .product(name: "Mustache", package: "swift-mustache")]),
        .testTarget(name: "DeliveryTests", dependencies: ["Delivery"]),
        .testTarget(name: "LedgerTests", dependencies: ["Metrics", "Ledger"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Metrics", "Ledger", "Templates", "Delivery", "Jobs", "sentinel-gen"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
