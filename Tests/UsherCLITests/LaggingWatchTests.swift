import Foundation
import Glibc
import Testing
import UsherTestSupport

/// `usher watch` writing into a pipe nobody reads: it stops reading its subscription, the daemon
/// cuts it off as lagging, and once the pipe is read again watch says so and subscribes again.
@Suite("usher watch behind a stalled pipe", .timeLimit(.minutes(3)))
struct LaggingWatchTests {
    @Test("watch is cut off as lagging while its output is stalled, then subscribes again by itself")
    func resubscribes() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-lagging")
        let fifo = folder.path + "/watch.out"
        #expect(mkfifo(fifo, 0o600) == 0)
        // Opened for reading first (without blocking), so that watch's open for writing succeeds;
        // nothing is read until the traffic is over.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        defer { close(reader) }
        _ = try await UsherDaemon.with(serveOnFreePort + ["--policy", "accept"]) { usher, control in
            let port = try await usher.readyPort()
            let command = #"exec "$0" watch --control "$1" > "$2""#
            _ = try await BackgroundProcess.with("sh", ["-c", command, try UsherExecutable.path(), control, fifo]) { watch in
                var output = FIFOText(descriptor: reader)
                try await poll("watch's first line", every: .milliseconds(50), timeout: .seconds(60)) {
                    output.readAvailable().contains("watching 127.0.0.1:\(port)")
                }
                // Enough events to fill the pipe, the socket and the daemon's queue of 4096
                // for this subscriber (each request is about five events).
                try await Self.requests(3000, port: port)
                let cutOff = "-- cut off: this subscriber fell"
                try await poll("the cut-off and a new subscription", every: .milliseconds(50), timeout: .seconds(60)) {
                    let text = output.readAvailable()
                    return text.contains(cutOff) && text.contains("-- subscribed again:")
                }
                let cutAt = try #require(output.text.range(of: cutOff))
                let again = try #require(output.text.range(of: "-- subscribed again:"))
                #expect(again.lowerBound > cutAt.lowerBound)
                let after = try await TCPClient.connect(to: "127.0.0.1", port: port)
                try await after.send("GET /after HTTP/1.0\r\n\r\n")
                _ = try await after.readToEnd()
                try await poll("an event after the new subscription", every: .milliseconds(50), timeout: .seconds(60)) {
                    output.readAvailable()[again.upperBound...].contains("arrived")
                }
                #expect(watch.log.lines.isEmpty, "nothing on standard error: \(watch.log.lines)")
            }
        }
    }

    /// `count` HTTP requests through the gate, eight at a time.
    private static func requests(_ count: Int, port: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for _ in stride(from: worker, to: count, by: 8) {
                        let client = try await TCPClient.connect(to: "127.0.0.1", port: port)
                        try await client.send("GET / HTTP/1.0\r\n\r\n")
                        _ = try await client.readToEnd()
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

/// What was read so far from a non-blocking pipe, as text.
private struct FIFOText {
    let descriptor: Int32
    private var bytes: [UInt8] = []

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Reads what the pipe holds now; returns everything read so far.
    mutating func readAvailable() -> String {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += chunk.prefix(count)
        }
        return text
    }
}
