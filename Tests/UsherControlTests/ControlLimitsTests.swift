import Foundation
import Testing
import UsherControl
import UsherTestSupport
import UsherWire

/// The control socket's bounds: clients at once, and clients that hold a connection doing nothing.
@Suite("Control server limits", .timeLimit(.minutes(1)))
struct ControlLimitsTests {
    /// The error line a refused or closed connection gets, then its end.
    static func errorThenClose(_ client: TCPClient) async throws -> ControlError? {
        guard let text = try await client.readLine(timeout: .seconds(60)) else { return nil }
        guard case .error(let error) = try ControlLine.decode(.init(string: text)).message else { return nil }
        #expect(try await client.readToEnd(timeout: .seconds(60)).isEmpty, "closed after the line")
        return error
    }

    @Test("past --max-control-connections the next client gets too_many_connections; a closed one makes room")
    func connectionLimit() async throws {
        try await ControlHarness.with(limits: ControlLimits(maxConnections: 3)) { harness in
            var open: [TCPClient] = []
            for _ in 0..<3 {
                let client = try await TCPClient.connect(unixPath: harness.path)
                try await client.send(#"{"id":1,"op":"hello"}"# + "\n")
                #expect(try await client.readLine()?.contains(#""type":"hello""#) == true)
                open.append(client)
            }
            let extra = try await TCPClient.connect(unixPath: harness.path)
            let refusal = try await Self.errorThenClose(extra)
            #expect(refusal?.code == .tooManyConnections)
            #expect(refusal?.message.contains("at most 3 control connections") == true)
            open.removeFirst().close()
            try await poll("room for one more", timeout: .seconds(60)) {
                guard let client = try? await TCPClient.connect(unixPath: harness.path) else { return false }
                defer { client.close() }
                try? await client.send(#"{"id":2,"op":"hello"}"# + "\n")
                return (try? await client.readLine(timeout: .seconds(5)))??.contains(#""type":"hello""#) == true
            }
            for client in open { client.close() }
        }
    }

    @Test("a connection that neither asks nor subscribes is closed after the idle limit; a subscriber stays")
    func idleConnections() async throws {
        try await ControlHarness.with(limits: ControlLimits(idleTimeout: .milliseconds(1500))) { harness in
            // Connected and subscribed (again, should a busy test machine let the idle limit pass
            // between the two).
            var subscribed: TCPClient?
            for _ in 0..<5 where subscribed == nil {
                let client = try await TCPClient.connect(unixPath: harness.path)
                try? await client.send(#"{"id":"w","op":"subscribe"}"# + "\n")
                if (try? await client.readLine())??.contains(#""type":"snapshot""#) == true { subscribed = client } else { client.close() }
            }
            let subscriber = try #require(subscribed)
            // Timed from before the connect: the daemon may accept, and start the idle clock,
            // before a busy test machine lets the client see its connect complete.
            let started = ContinuousClock.now
            let idle = try await TCPClient.connect(unixPath: harness.path)
            let closing = try await Self.errorThenClose(idle)
            #expect(closing?.code == .idleTimeout && closing?.message.contains("no request for 1.5s") == true, "\(String(describing: closing))")
            #expect(ContinuousClock.now - started >= .milliseconds(1500))
            try await subscriber.send(#"{"id":3,"op":"hello"}"# + "\n")
            var answered = false
            while let line = try await subscriber.readLine(timeout: .seconds(60)) {
                if line.contains(#""type":"hello""#) { answered = true; break }
            }
            #expect(answered, "the silent subscriber was kept")
            subscriber.close()
        }
    }
}
