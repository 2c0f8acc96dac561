import Testing
import UsherCore
import UsherWire

/// The one reading of filter text, shared by the dashboard and the commands.
@Suite("Filter text", .timeLimit(.minutes(1)))
struct FilterTextTests {
    @Test("networks, addresses, ports and text", arguments: [
        ("10.0.0.0/8", "peer 10.0.0.0/8"), ("192.0.2.7", "peer 192.0.2.7"), ("::1", "peer ::1"),
        ("::1/128", "peer ::1"), ("[::1]", "peer ::1"), ("::/0", "peer ::/0"), ("2001:db8::/32", "peer 2001:db8::/32"),
        (":8080", "listener 8080"), ("198.51", "text 198.51"), ("example.com", "text example.com"), ("GET /a", "text GET /a"),
        ("cafe", "text cafe"), (":", "text :"),
    ])
    func kinds(text: String, expected: String) throws {
        let shown: String = switch try FilterText.parse(text) {
        case .peer(let prefix): "peer \(prefix)"
        case .listener(let port): "listener \(port)"
        case .text(let text): "text \(text)"
        }
        #expect(shown == expected)
    }

    @Test("a network or port that is not one says why", arguments: ["10.0.0.0/33", "::1/129", "10.0.0.300/8", ":70000"])
    func invalid(text: String) {
        #expect(throws: FilterText.Invalid.self) { try FilterText.parse(text) }
    }
}
