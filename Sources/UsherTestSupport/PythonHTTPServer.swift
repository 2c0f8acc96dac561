/// A stock HTTP server for tests: Python's `http.server`, serving a folder on a free loopback port.
public enum PythonHTTPServer {
    /// Starts the server on `127.0.0.1` port 0, serving `folder`, runs `body` with its port, and
    /// stops it.
    public static func with(serving folder: String, _ body: @Sendable (_ port: Int) async throws -> Void) async throws {
        _ = try await BackgroundProcess.with(
            "python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", folder]
        ) { server in
            let line = try await server.log.waitForLine(containing: "Serving HTTP on 127.0.0.1 port")
            guard let port = line.split(separator: " ").drop(while: { $0 != "port" }).dropFirst().first.flatMap({ Int($0) }) else {
                throw TimedOut("a port in: \(line)", after: .zero)
            }
            try await body(port)
        }
    }
}
