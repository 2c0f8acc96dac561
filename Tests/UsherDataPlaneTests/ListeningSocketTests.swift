import Foundation
import Testing
import UsherCore
import UsherDataPlane
import UsherTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The data plane's listening socket, on loopback.
@Suite("A listening socket", .timeLimit(.minutes(1)))
struct ListeningSocketTests {
    @Test("the connections it accepts have Nagle's algorithm off (TCP_NODELAY), with no call per connection")
    func acceptedSocketsSendAtOnce() async throws {
        let listener = try ListeningSocket(Endpoint(host: "127.0.0.1", port: 0), backlog: 4)
        defer { listener.close() }
        let client = try await TCPClient.connect(to: "127.0.0.1", port: listener.address.port)
        defer { client.close() }
        let accepted = accept(listener.descriptor, nil, nil)
        try #require(accepted >= 0)
        defer { Glibc.close(accepted) }
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        #expect(getsockopt(accepted, Int32(IPPROTO_TCP), TCP_NODELAY, &value, &length) == 0)
        #expect(value != 0, "a relay's last bytes would wait for the client's delayed acknowledgement")
    }
}
