import Foundation
import Testing
import UsherCore
import UsherTestSupport

/// The one escaping function between outside text and a terminal.
@Suite("Terminal text", .timeLimit(.minutes(1)))
struct TerminalTextTests {
    @Test("control, C1 and format characters become visible escapes; the rest is kept", arguments: [
        ("plain.example.com", "plain.example.com"),
        ("\u{1b}]0;pwned\u{07}\u{1b}[2J.evil", "\\x1b]0;pwned\\x07\\x1b[2J.evil"),
        ("ok.example\r\nr1  pending", "ok.example\\r\\nr1  pending"),
        ("tab\there\0nul\u{7f}del", "tab\\there\\0nul\\x7fdel"),
        ("c1 \u{9b}31m csi", "c1 \\u{9B}31m csi"),
        ("bidi \u{202E}gnp.exe", "bidi \\u{202E}gnp.exe"),
        ("isolate \u{2066}x\u{2069}", "isolate \\u{2066}x\\u{2069}"),
        ("zero\u{200B}width", "zero\\u{200B}width"),
        ("line\u{2028}sep", "line\\u{2028}sep"),
        ("tag\u{E0041}", "tag\\u{E0041}"),
        ("café ☕ 東京", "café ☕ 東京"),
    ])
    func examples(input: String, expected: String) {
        #expect(TerminalText.escaped(input) == expected)
    }

    @Test("bytes that are not UTF-8 read as U+FFFD, controls among them escaped")
    func bytes() {
        #expect(TerminalText.escaped(bytes: [0x61, 0xFF, 0x1B, 0x5B, 0x41]) == "a\u{FFFD}\\x1b[A")
    }

    @Test("random text never leaves a character to escape, and escaping twice changes nothing (seeded)")
    func property() {
        var random = SeededRandom("terminal text")
        let interesting: [UInt32] = [0x00, 0x07, 0x0A, 0x0D, 0x1B, 0x7F, 0x85, 0x9B, 0xAD, 0x061C, 0x200E, 0x202A, 0x202E,
                                     0x2066, 0x2069, 0x2028, 0xFEFF, 0xE0001, 0x5C, 0x78, 0x20]
        for _ in 0..<10_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int(random.next() % 24) {
                let pick = random.next()
                let value = pick % 3 == 0 ? interesting[Int(pick / 3 % UInt64(interesting.count))] : UInt32(pick / 3 % 0x11_0000)
                if let scalar = Unicode.Scalar(value) { text.append(scalar) }
            }
            let once = TerminalText.escaped(String(text))
            #expect(!once.unicodeScalars.contains(where: TerminalText.needsEscape), "\(Array(String(text).unicodeScalars))")
            #expect(TerminalText.escaped(once) == once)
        }
    }

    @Test("JSON keeps every character, with those a terminal could act on as \\u escapes")
    func json() throws {
        let value = ["sni": "a\u{1b}b\u{9b}c\u{202E}d\u{E0041}é"]
        let encoded = TerminalText.jsonSafe(Array(try JSONEncoder().encode(value)))
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(text == #"{"sni":"a\u001bb\u009bc\u202ed\udb40\udc41é"}"#)
        #expect(try JSONDecoder().decode([String: String].self, from: Data(encoded)) == value)
    }
}
