#if canImport(Glibc)
import Glibc
#endif

/// redis-server for tests: on a free loopback port, nothing saved to disk, stopped after the body.
public enum RedisServer {
    /// `true` when this machine has redis-server (Debian's redis-server package).
    public static var isInstalled: Bool {
        let paths: [String] = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        return paths.contains { path in access(path, X_OK) == 0 }
    }

    /// Starts redis-server in `folder`, runs `body` with its port, and stops it.
    public static func with(in folder: String, _ body: @Sendable (_ port: Int) async throws -> Void) async throws {
        let probe = try RawListener()
        let port = probe.port
        probe.close()
        let arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder]
        _ = try await BackgroundProcess.with("redis-server", arguments) { server in
            try await server.log.waitForLine(containing: "Ready to accept connections")
            try await body(port)
        }
    }
}
