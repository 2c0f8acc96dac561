/// An upstream for tests that sends back every byte it gets, on each connection, until the
/// client ends its side: Python, one thread per connection, on a free loopback port.
public enum PythonEchoServer {
    static let script = """
        import socket, sys, threading
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1024)
        print("echo port", server.getsockname()[1], flush=True)
        def echo(connection):
            with connection:
                while True:
                    data = connection.recv(65536)
                    if not data:
                        connection.shutdown(socket.SHUT_WR)
                        return
                    connection.sendall(data)
        while True:
            connection, _ = server.accept()
            threading.Thread(target=echo, args=(connection,), daemon=True).start()
        """

    /// Starts the server, runs `body` with its port, and stops it.
    public static func with(_ body: @Sendable (_ port: Int) async throws -> Void) async throws {
        _ = try await BackgroundProcess.with("python3", ["-u", "-c", script]) { server in
            let line = try await server.log.waitForLine(containing: "echo port")
            guard let port = line.split(separator: " ").last.flatMap({ Int($0) }) else { throw TimedOut("a port in: \(line)", after: .zero) }
            try await body(port)
        }
    }
}
