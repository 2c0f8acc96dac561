// swift-tools-version: 6.2
import PackageDescription

// usher runs on Linux only: it holds connections with SwiftNIO's epoll loops, reads the host's
// listeners through netlink sock_diag and /proc, and peer credentials with SO_PEERCRED.
#if !os(Linux)
#error("usher builds and runs on Linux only (netlink, /proc, SO_PEERCRED)")
#endif

// The module graph (see ARCHITECTURE.md):
//   UsherCore      sans-IO values and state machines
//   UsherWire      the control protocol's values        -> UsherCore
//   UsherRulesFile the rules file (TOML) as a RuleSet     -> UsherCore, TOMLKit
//   UsherKernel    the host's listeners (netlink, /proc) -> UsherCore
//   UsherGate      the gate: sockets, proxy             -> UsherCore, SwiftNIO
//   UsherDataPlane the data path's own epoll loop        -> Glibc only
//   UsherControl   control socket server and client     -> UsherCore, UsherWire, SwiftNIO
//   UsherDashboard the dashboard as values, on a canvas  -> UsherCore, UsherWire
//   UsherTerminal  the curses backend                   -> UsherDashboard, CNCurses
//   usher          the commands, wiring it all together
// The data path's modules are built for release without run-time exclusivity checks: on every
// access to a class's stored property they cost the data plane about 15 % of its user time
// per connection (measured side by side). Debug builds, which the tests run, keep them.
let dataPathSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "usher",
    products: [
        .executable(name: "usher", targets: ["usher"]),
        // The library surface: the core, the protocol's values and the gate.
        .library(name: "UsherCore", targets: ["UsherCore"]),
        .library(name: "UsherWire", targets: ["UsherWire"]),
        .library(name: "UsherGate", targets: ["UsherGate"]),
        .library(name: "UsherRulesFile", targets: ["UsherRulesFile"]),
        // Modules of the executable, products only so that Benchmarks/ can measure them.
        .library(name: "UsherControl", targets: ["UsherControl"]),
        .library(name: "UsherKernel", targets: ["UsherKernel"]),
        .library(name: "UsherDashboard", targets: ["UsherDashboard"]),
        .library(name: "UsherJournal", targets: ["UsherJournal"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    ],
    targets: [
        .target(
            name: "UsherCore",
            dependencies: [
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: dataPathSettings
        ),
        .target(
            name: "UsherGate",
            dependencies: [
                "UsherCore", "UsherDataPlane", "UsherKernel", "CEpoll",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: dataPathSettings
        ),
        .target(name: "CEpoll"),
        .target(
            name: "UsherDataPlane",
            dependencies: [
                "CEpoll", "UsherCore",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: dataPathSettings
        ),
        .target(
            name: "UsherJournal",
            dependencies: [
                "UsherCore", "UsherWire",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "UsherMetrics",
            dependencies: [
                "UsherCore", "UsherKernel",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "UsherRulesFile",
            dependencies: [
                "UsherCore",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .target(
            name: "UsherKernel",
            dependencies: ["UsherCore"]
        ),
        .target(
            name: "UsherWire",
            dependencies: ["UsherCore"]
        ),
        .target(
            name: "UsherControl",
            dependencies: [
                "UsherCore",
                "UsherWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "UsherDashboard",
            dependencies: [
                "UsherCore",
                "UsherWire",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            resources: [.embedInCode("Theme/BuiltIn")]
        ),
        .systemLibrary(name: "CNCurses", providers: [.apt(["libncurses-dev"])]),
        .target(
            name: "UsherTerminal",
            dependencies: ["CNCurses", "UsherDashboard", "UsherWire"]
        ),
        .executableTarget(
            name: "usher",
            dependencies: [
                "UsherCore",
                "UsherWire",
                "UsherGate",
                "UsherDataPlane",
                "UsherControl",
                "UsherDashboard",
                "UsherTerminal",
                "UsherKernel",
                "UsherRulesFile",
                "UsherJournal",
                "UsherMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            plugins: ["BuildStamp"]
        ),
        // Stamps the executable with the commit it was built from (`usher --version`).
        .plugin(name: "BuildStamp", capability: .buildTool()),
        .target(
            name: "UsherTestSupport",
            dependencies: [
                "UsherCore", "UsherGate", "UsherControl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        .testTarget(
            name: "UsherCoreTests",
            dependencies: [
                "UsherCore", "UsherTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
                // SwiftNIO's SNIHandler is the oracle of the ClientHello reader…
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                // …and NIOHTTP1's request decoder that of the HTTP head reader.
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "UsherGateTests",
            dependencies: [
                "UsherGate", "UsherCore", "UsherTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "UsherDataPlaneTests",
            dependencies: [
                "UsherDataPlane", "UsherCore", "UsherGate", "UsherTestSupport",
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "UsherJournalTests",
            dependencies: ["UsherJournal", "UsherCore", "UsherWire", "UsherTestSupport"]
        ),
        .testTarget(
            name: "UsherMetricsTests",
            dependencies: ["UsherMetrics", "UsherCore", "UsherKernel", "UsherTestSupport"]
        ),
        .testTarget(
            name: "UsherRulesTests",
            dependencies: ["UsherCore", "UsherRulesFile", "UsherTestSupport"]
        ),
        .testTarget(
            name: "UsherWireTests",
            dependencies: ["UsherWire", "UsherCore", "UsherTestSupport"]
        ),
        .testTarget(
            name: "UsherKernelTests",
            dependencies: ["UsherKernel", "UsherCore", "UsherTestSupport"]
        ),
        .testTarget(
            name: "UsherControlTests",
            dependencies: [
                "UsherControl", "UsherWire", "UsherGate", "UsherCore", "UsherTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "UsherDashboardTests",
            dependencies: ["UsherDashboard", "UsherWire", "UsherCore", "UsherTestSupport"],
            exclude: ["__Snapshots__", "__Recordings__"]
        ),
        .testTarget(
            name: "UsherRunningTests",
            dependencies: [
                "usher", "UsherTestSupport", "UsherCore", "UsherWire", "UsherDashboard", "UsherRulesFile",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "UsherCLITests",
            dependencies: ["UsherTestSupport", "UsherJournal"],
            exclude: ["__Snapshots__"]
        ),
    ]
)
