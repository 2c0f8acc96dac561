import UsherCore

/// The file usher keeps remembered decisions in: rules in the rules file's format, each with
/// `expires_at` (seconds since 1970, UTC) when it ends.
public enum RememberedFile {
    /// The text of the file holding `rules`; `now` and `wallNow` are the same instant on the
    /// monotonic and the wall clock.
    public static func text(_ rules: [Rule], now: Moment, wallNow: Int64) -> String {
        var text = "# Remembered decisions, written by usher (usher accept/reject --remember).\n"
        text += "# Tested before the rules file. Remove one with: usher rules rm NAME\n"
        for rule in rules {
            text += "\n[[rule]]\nname = \(quoted(rule.name))\n"
            for matcher in rule.matchers { text += line(matcher) }
            switch rule.action {
            case .decide(.accept): text += "action = \"accept\"\n"
            case .decide(.reject(let rejection)):
                text += "action = \"reject\"\nmode = \"\(rejection.mode.rawValue)\"\n"
                if !rejection.message.isEmpty { text += "message = \(quoted(String(decoding: rejection.message, as: UTF8.self)))\n" }
            case .decide(.deferral), .ask: text += "action = \"ask\"\n"
            }
            if case .at(let end) = rule.expires {
                let seconds = wallNow + Int64((end - now) / .seconds(1))
                text += "expires_at = \(seconds)\n"
            }
        }
        return text
    }

    /// The decisions in the file still in time at `now`.
    public static func load(path: String, now: Moment, wallNow: Int64) throws(RulesFileErrors) -> [Rule] {
        let (rules, expiries) = try RulesFile.loadRemembered(path: path)
        return rules.enumerated().compactMap { index, rule in
            var rule = rule
            rule.origin = "remembered"
            if let end = expiries[index] {
                guard end > wallNow else { return nil }
                rule.expires = .at(now + .seconds(end - wallNow))
            }
            return rule
        }
    }

    private static func line(_ matcher: Matcher) -> String {
        switch matcher {
        case .peer(let networks): "peer = \(quoted(networks.first?.description ?? ""))\n"
        case .sni(let globs): "sni = \(quoted(globs.first?.pattern ?? ""))\n"
        case .host(let globs): "host = \(quoted(globs.first?.pattern ?? ""))\n"
        case .listener(let patterns): "listener = \(quoted(patterns.first?.description ?? ""))\n"
        default: ""
        }
    }

    /// A TOML basic string: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
