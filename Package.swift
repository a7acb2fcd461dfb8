// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "mustard",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mustard", targets: ["mustard"]),
        .library(name: "MustardKit", targets: ["MustardKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        // The local index of `get`/`logs`/`events`: SQLite through GRDB (libsqlite3-dev from Debian).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // System libraries, found with pkg-config; `make deps` installs the Debian packages.
        .systemLibrary(
            name: "CArchive", pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(
            name: "CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        // libarchive does not check gzip's CRC: zlib does, to catch silent corruption.
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        // libarchive gives liblzma no memory limit: xz is decoded with liblzma directly, under one.
        .systemLibrary(
            name: "CLZMA", pkgConfig: "liblzma",
            providers: [.apt(["liblzma-dev"])]),

        // archive → dump → model → rules → report, behind a thin CLI.
        // Text bounds both the archive layer and the model need.
        .target(name: "MustardText"),
        .target(
            name: "MustardArchive",
            dependencies: ["MustardText", "CArchive", "CZlib", "CLZMA", .product(name: "Logging", package: "swift-log")]),
        .target(name: "MustardModel", dependencies: ["MustardText"]),
        // YAML into `Value`s: the fast `oc` reader with libyaml behind it (the dump loader and the signature catalog).
        .target(name: "MustardYAML", dependencies: ["MustardModel", "CYAML"]),
        // Known error messages with their causes and fixes: one YAML file embedded in the binary (docs/signatures.md).
        .target(
            name: "MustardSignatures", dependencies: ["MustardModel", "MustardYAML"],
            resources: [.embedInCode("signatures.yaml")]),
        .target(
            name: "MustardDump",
            dependencies: [
                "MustardArchive", "MustardModel", "MustardYAML",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "MustardRules", dependencies: ["MustardModel", "MustardSignatures"]),
        // Rules read from rule files (YAML, read with libyaml for its line numbers); the shipped ones embedded in the
        // binary, which is installed alone (no resource bundle).
        .target(
            name: "MustardUserRules", dependencies: ["MustardRules", "MustardModel", "MustardSignatures", "CYAML"],
            resources: [.embedInCode("Shipped")]),
        // get/describe/logs/events/ls over a dump, answered from a local index (SQLite) after the first pass.
        .target(
            name: "MustardExplore",
            dependencies: [
                "MustardArchive", "MustardDump", "MustardModel", "MustardReport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "MustardReport", dependencies: ["MustardRules", "MustardModel"]),
        .target(
            name: "MustardKit",
            dependencies: [
                "MustardArchive", "MustardDump", "MustardModel", "MustardRules", "MustardUserRules", "MustardReport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The same capabilities as tools for AI assistants, over the Model Context Protocol (stdio).
        .target(
            name: "MustardMCP",
            dependencies: [
                "MustardKit", "MustardReport", "MustardRules", "MustardExplore",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "mustard",
            dependencies: [
                "MustardKit", "MustardMCP", "MustardExplore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        .target(
            name: "MustardTestSupport", dependencies: ["MustardKit", "MustardArchive"],
            path: "Tests/MustardTestSupport"),
        // libFuzzer target over the whole ingestion path (`make fuzz`); without -DFUZZING it replays input files.
        .executableTarget(
            name: "FuzzIngest", dependencies: ["MustardKit", "MustardDump", "MustardModel"],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),

        .testTarget(name: "MustardArchiveTests", dependencies: ["MustardArchive", "MustardTestSupport"]),
        .testTarget(name: "MustardModelTests", dependencies: ["MustardModel", "MustardTestSupport"]),
        .testTarget(name: "MustardExploreTests", dependencies: ["MustardExplore", "MustardTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "MustardDumpTests", dependencies: ["MustardDump", "MustardYAML", "MustardModel", "MustardTestSupport"]),
        .testTarget(
            name: "MustardRulesTests",
            dependencies: ["MustardKit", "MustardRules", "MustardSignatures", "MustardUserRules", "MustardModel", "MustardDump", "MustardTestSupport"]),
        // Depends on the executable so that `swift test` builds the binary it runs.
        .testTarget(name: "MustardCLITests", dependencies: ["mustard", "MustardKit", "MustardReport", "MustardRules", "MustardModel", "MustardTestSupport"]),
    ]
)
