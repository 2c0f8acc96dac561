import Testing
import UsherCore

@Suite("Durations, endpoints, escapes, backlog", .timeLimit(.minutes(1)))
struct TextParsingTests {
    @Test("durations parse", arguments: [
        ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("1.5s", .milliseconds(1500)),
        ("5m", .seconds(300)), ("1h", .seconds(3600)), ("1m30s", .seconds(90)), ("0", .zero),
    ])
    func durationParses(text: String, expected: Duration) throws {
        #expect(try DurationText.parse(text) == expected)
    }

    @Test("bad durations name the problem", arguments: [
        ("", "empty"), ("30", "no unit"), ("5x", "unknown unit 'x'"), ("abc", "not a duration"),
        ("2000h", "too long"), ("-1s", "not a duration"),
    ])
    func durationErrors(text: String, fragment: String) {
        let error = #expect(throws: DurationText.ParseError.self) { try DurationText.parse(text) }
        #expect(error?.description.contains(fragment) == true, "\(String(describing: error))")
    }

    @Test("durations format briefly", arguments: [
        (Duration.milliseconds(850), "850ms"), (.milliseconds(12_400), "12.4s"), (.seconds(30), "30s"),
        (.seconds(300), "5m"), (.seconds(150), "2m30s"), (.seconds(3900), "1h5m"),
    ])
    func durationFormats(duration: Duration, expected: String) {
        #expect(DurationText.format(duration) == expected)
    }

    @Test("endpoints parse", arguments: [
        ("127.0.0.1:8080", "127.0.0.1", 8080), ("[::1]:0", "::1", 0), ("localhost:65535", "localhost", 65535),
        ("0.0.0.0:80", "0.0.0.0", 80),
    ])
    func endpointParses(text: String, host: String, port: Int) throws {
        let endpoint = try Endpoint.parse(text)
        #expect(endpoint.host == host && endpoint.port == port)
        #expect(endpoint.description == text)
    }

    @Test("bad endpoints name the problem", arguments: [
        ("", "empty"), ("8080", "no port"), ("localhost:http", "not a port"), ("[::1:80", "closing"),
        ("::1:80", "IPv6 without brackets"), (":80", "no host"), ("1.2.3.4:70000", "not a port"),
        ("1.2.3.4:+80", "not a port"),
    ])
    func endpointErrors(text: String, fragment: String) {
        let error = #expect(throws: EndpointParseError.self) { try Endpoint.parse(text) }
        #expect(error?.description.contains(fragment) == true, "\(String(describing: error))")
    }

    @Test("escapes decode")
    func escapesDecode() throws {
        #expect(try EscapedText.decode(#"HTTP/1.0 503 busy\r\n\r\n"#) == Array("HTTP/1.0 503 busy\r\n\r\n".utf8))
        #expect(try EscapedText.decode(#"a\tb\\c\x41\0"#) == Array("a\tb\\cA".utf8) + [0])
        #expect(try EscapedText.decode("plain ü") == Array("plain ü".utf8))
    }

    @Test("bad escapes name the place")
    func escapeErrors() {
        #expect(throws: EscapedText.DecodeError.unknownEscape(#"\q"#, offset: 2)) { try EscapedText.decode(#"ab\q"#) }
        #expect(throws: EscapedText.DecodeError.badHexEscape(#"\xZ1"#, offset: 0)) { try EscapedText.decode(#"\xZ1"#) }
        #expect(throws: EscapedText.DecodeError.trailingBackslash(#"a\"#)) { try EscapedText.decode(#"a\"#) }
    }

    @Test("the backlog is clamped to somaxconn and says so")
    func backlogClamp() {
        let clamped = Backlog(requested: 100_000, somaxconn: 4096)
        #expect(clamped.effective == 4096 && clamped.isClamped)
        let fits = Backlog(requested: 128, somaxconn: 4096)
        #expect(fits.effective == 128 && !fits.isClamped)
        let defaulted = Backlog(requested: nil, somaxconn: 4096)
        #expect(defaulted.effective == 4096 && !defaulted.isClamped)
    }

    @Test("the connection limit fits the open-file limit")
    func descriptorBudget() {
        #expect(DescriptorBudget.maxConnections(openFileLimit: 1_048_576, descriptorsPerConnection: 2) == 524_256)
        #expect(DescriptorBudget.maxConnections(openFileLimit: 1024, descriptorsPerConnection: 2) == 480)
        #expect(DescriptorBudget.maxConnections(openFileLimit: 48, descriptorsPerConnection: 3) == 8)
        #expect(DescriptorBudget.maxConnections(openFileLimit: 2, descriptorsPerConnection: 3) == 1)
    }
}
