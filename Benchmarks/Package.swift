// swift-tools-version: 6.1
// Benchmarks of usher's own code (ordo-one/benchmark). Run from this folder:
//   swift package --disable-sandbox benchmark
import PackageDescription

let package = Package(
    name: "usher-benchmarks",
    dependencies: [
        .package(name: "usher", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "CoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "UsherCore", package: "usher"),
            ],
            path: "Benchmarks/CoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "DashboardBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "UsherCore", package: "usher"),
                .product(name: "UsherWire", package: "usher"),
                .product(name: "UsherDashboard", package: "usher"),
            ],
            path: "Benchmarks/DashboardBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RulesBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "UsherCore", package: "usher"),
                .product(name: "UsherRulesFile", package: "usher"),
            ],
            path: "Benchmarks/RulesBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "JournalBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "UsherCore", package: "usher"),
                .product(name: "UsherWire", package: "usher"),
                .product(name: "UsherJournal", package: "usher"),
            ],
            path: "Benchmarks/JournalBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "KernelBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "UsherKernel", package: "usher"),
            ],
            path: "Benchmarks/KernelBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
