import Testing
import UsherCore
import UsherRulesFile
import UsherTestSupport

/// The rules file reader: the documented example as written, and every kind of mistake reported
/// at its line and column.
@Suite("Rules file", .timeLimit(.minutes(1)))
struct RulesFileTests {
    static let example = RulesExample.documented

    @Test("the example file reads as written: three rules in order and a default")
    func example() throws {
        let rules = try RulesFile.parse(Self.example, file: "rules.toml")
        #expect(rules.rules.map(\.name) == ["office", "scanner", "api-canary"])
        #expect(rules.defaultAction == .ask)
        #expect(rules.rules[1].action == .decide(.reject(Rejection(mode: .close, message: Array("HTTP/1.0 403 Forbidden\r\n\r\n".utf8)))))
        #expect(rules.rules[2].matchers.map(\.key) == ["sni", "rate"])
        #expect(rules.rules[0].origin == "rules.toml:1")
        #expect(rules.needsData)
    }

    @Test("every problem of a broken file is reported as FILE:LINE:COL, in order")
    func everyProblem() {
        let text = """
            [[rule]]
            name = "office"
            peer = ["10.0.0.0/33", "fd00::/8"]
            action = "acept"
            colour = "red"

            [[rule]]
            name = "office"
            sni = ""
            data_regex = "(unclosed"
            action = "accept"
            """
        #expect(throws: RulesFileErrors.self) { try RulesFile.parse(text, file: "bad.toml") }
        do {
            _ = try RulesFile.parse(text, file: "bad.toml")
        } catch {
            let lines = error.errors.map(\.description)
            #expect(lines.count == 6, "\(lines)")
            #expect(lines.first?.hasPrefix("bad.toml:3:10: peer: bad CIDR: '10.0.0.0/33'") == true, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("bad.toml:4:10: unknown action 'acept'") })
            #expect(lines.contains { $0.hasPrefix("bad.toml:5:1: unknown key 'colour'") })
            #expect(lines.contains { $0.hasPrefix("bad.toml:8:8: duplicate rule name 'office'") })
            #expect(lines.contains { $0.hasPrefix("bad.toml:9:") && $0.contains("bad glob") })
            #expect(lines.contains { $0.hasPrefix("bad.toml:10:14: data_regex: bad regex") })
        }
    }

    @Test("each mistake names its place and the problem", arguments: [
        ("[[rule]]\naction = \"accept\"", "x.toml:1:1: rule 1 has no name"),
        ("[[rule]]\nname = \"a\"\nmatch = 1\naction = \"accept\"", "x.toml:3:1: unknown key 'match'"),
        ("[[rule]]\nname = \"a\"\npeer = \"10.0.0.0/8\"", "x.toml:1:1: this rule has no action"),
        ("[[rule]]\nname = \"a\"\naction = \"defer\"", "x.toml:3:10: defer needs for"),
        ("[[rule]]\nname = \"a\"\naction = \"accept\"\nmode = \"reset\"", "x.toml:4:1: mode belongs to action = \"reject\""),
        ("[[rule]]\nname = \"a\"\naction = \"reject\"\nmode = \"reset\"\nmessage = \"no\"", "x.toml:5:11: a message cannot be sent"),
        ("[[rule]]\nname = \"a\"\ntime = \"Mon-Fry 09:00-18:00\"\naction = \"ask\"", "x.toml:3:8: time: 'Fry' is not a day"),
        ("[[rule]]\nname = \"a\"\nrate = \"5/0s\"\naction = \"ask\"", "x.toml:3:8: rate: '0s' is not a window"),
        ("[[rule]]\nname = \"a\"\nlistener = 70000\naction = \"ask\"", "x.toml:3:12: listener: write a port"),
        ("[[rule]]\nname = \"a\"\ndata_prefix = \"hex:16030\"\naction = \"ask\"", "x.toml:3:15: data_prefix: 'hex:16030' is not hex"),
        ("[[rule]]\nname = \"a\"\nnot = { colour = \"x\" }\naction = \"ask\"", "x.toml:3:9: 'colour' cannot be negated"),
        ("[[rule]]\nname = \"default\"\naction = \"ask\"", "x.toml:2:8: 'default' is reserved"),
        ("inspect_delay = \"soon\"", "x.toml:1:17: inspect_delay must be a duration"),
        ("[defaults]\naction = \"ask\"", "x.toml:1:1: unknown key 'defaults' (did you mean 'default'?)"),
        ("[[rule]]\nname = \"a\"\nacton = \"accept\"", "x.toml:3:1: unknown key 'acton' in rule 1 (did you mean 'action'?); matchers:"),
        ("[[rule]]\nname = \"a\"\nnot = { pear = \"10.0.0.0/8\" }\naction = \"ask\"", "x.toml:3:9: 'pear' cannot be negated (did you mean 'peer'?)"),
        ("[default]\nactoin = \"ask\"", "x.toml:2:1: unknown key 'actoin' in [default] (did you mean 'action'?)"),
        ("[[rule]\n", "x.toml:1:8: not valid TOML"),
    ])
    func mistakes(text: String, expected: String) {
        do {
            _ = try RulesFile.parse(text, file: "x.toml")
            Issue.record("no error for \(text)")
        } catch {
            #expect(error.errors.contains { $0.description.hasPrefix(expected) }, "\(error.errors.map(\.description))")
        }
    }

    @Test("a missing or unreadable file is one error naming the reason")
    func missingFile() {
        do {
            _ = try RulesFile.load(path: "/nonexistent/rules.toml")
            Issue.record("no error")
        } catch {
            #expect(error.description == "/nonexistent/rules.toml:1:1: cannot open the rules file: No such file or directory")
        }
    }
}
