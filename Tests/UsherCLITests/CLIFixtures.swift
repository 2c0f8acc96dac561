import Glibc
import Foundation
import Testing
import UsherTestSupport

/// `curl` against a loopback port, bounded in time.
enum Curl {
    static func get(port: Int, path: String = "/", _ extra: [String] = [], maxTime: Int = 60) async throws -> ProcessOutput {
        try await ProcessRunner.run(
            "curl", ["-sS", "--max-time", String(maxTime)] + extra + ["http://127.0.0.1:\(port)\(path)"],
            timeout: .seconds(maxTime + 5))
    }
}

/// Random bytes written to a file in a test's own folder.
func writeRandomFile(_ path: String, count: Int) throws -> [UInt8] {
    var generator = SeededRandom("writeRandomFile \(path)")
    let bytes = generator.bytes(count)
    guard let file = fopen(path, "wb") else { throw TCPClientError.failed("fopen \(path)", errno: errno) }
    defer { fclose(file) }
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    return bytes
}

func readFile(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { return [] }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return bytes
}

let serveOnFreePort = ["serve", "--listen", "127.0.0.1:0"]

/// The dashboard holds decision keys back for 300 ms after the line under the cursor changed
/// (a request appeared under it, say). A test that decides right after it saw such a change
/// waits that out, as an operator reading the line would.
func waitOutDecisionPause() async throws {
    try await Task.sleep(for: .milliseconds(400))
}

/// The port of the first listener, from the ready line in the log file.
func readyPort(fromLog path: String) async throws -> Int {
    var port: Int?
    try await poll("the ready line in \(path)", every: .milliseconds(50), timeout: .seconds(60)) {
        let log = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        guard let line = log.split(separator: "\n").first(where: { $0.contains(" ready ") }),
              let field = line.split(separator: " ").first(where: { $0.hasPrefix("listeners=") }),
              let text = field.split(separator: ":").last else { return false }
        port = Int(text)
        return port != nil
    }
    return try #require(port)
}

/// A FIFO that a child process reads as its standard input (`< path`) and the test types lines
/// into, a line at a time (for the dashboard's line mode).
struct KeyPipe: Sendable {
    let path: String
    private let descriptor: Int32

    init(_ path: String) throws {
        guard mkfifo(path, 0o600) == 0 else { throw TCPClientError.failed("mkfifo \(path)", errno: errno) }
        // Read and write: opening a FIFO so does not wait for the other end.
        descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { throw TCPClientError.failed("open \(path)", errno: errno) }
        self.path = path
    }

    /// Writes `line` and a newline.
    @Sendable func type(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        #expect(written == bytes.count, "typing '\(line)' into \(path): \(String(cString: strerror(errno)))")
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}
