import Benchmark
import Glibc
import UsherKernel

/// Reading the host's listeners: usher's in-process netlink dump against `ss -lnt` run as a
/// process (what a script or a `watch ss` loop pays), with 1,000 listening sockets open.
/// Target: the dump takes 0.1× the time of `ss -lnt` or less. Compare the two wall-clock
/// figures of one run. Opening and closing the sockets happens outside the measurement.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(5))

    Benchmark("netlink dump of every TCP listener (1,000 extra open)") { benchmark in
        let socket = try SockDiagSocket()
        try measureWithListeners(benchmark) { blackHole(try socket.listeners()) }
    }

    Benchmark("ss -lnt as a process (1,000 extra open)") { benchmark in
        try measureWithListeners(benchmark) { blackHole(runQuietly(["ss", "-lnt"])) }
    }

    Benchmark("full sample: dump, owners (cached), counters, somaxconn (1,000 extra open)") { benchmark in
        let probe = try HostProbe()
        try measureWithListeners(benchmark, warmUp: { _ = try probe.sample() }) { blackHole(try probe.sample()) }
    }

    Benchmark("ss -lntp as a process (1,000 extra open)") { benchmark in
        try measureWithListeners(benchmark) { blackHole(runQuietly(["ss", "-lntp"])) }
    }
}

/// Opens 1,000 listeners, runs `warmUp` (the first walk of /proc fills the owner cache), then
/// measures `body` once per scaled iteration; opening and closing the sockets is not measured.
func measureWithListeners(
    _ benchmark: Benchmark, warmUp: () throws -> Void = {}, _ body: () throws -> Void
) throws {
    let listeners = OpenListeners(count: 1000)
    defer { listeners.close() }
    try warmUp()
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations { try body() }
    benchmark.stopMeasurement()
}

/// `count` TCP sockets listening on loopback ports chosen by the kernel.
final class OpenListeners {
    private var descriptors: [Int32] = []

    init(count: Int) {
        for _ in 0..<count {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard descriptor >= 0, bound == 0, listen(descriptor, 128) == 0 else {
                fatalError("cannot open listener \(descriptors.count + 1): errno \(errno) (raise ulimit -n)")
            }
            descriptors.append(descriptor)
        }
    }

    func close() {
        for descriptor in descriptors { Glibc.close(descriptor) }
        descriptors = []
    }
}

/// Runs a command with its output sent to /dev/null and waits; its exit status.
func runQuietly(_ arguments: [String]) -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    var pid: pid_t = 0
    let argv = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    guard posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ) == 0 else { return -1 }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    return status
}
