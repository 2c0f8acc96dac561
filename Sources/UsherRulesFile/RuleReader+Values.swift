import TOMLKit
import UsherCore

extension RuleReader {
    /// One matcher from `key = value`; `under` is `not` for a negated one (its errors point into
    /// the `not` table).
    mutating func readMatcher(_ key: String, _ value: any TOMLValueConvertible, in section: Section, under: String? = nil) -> Matcher? {
        let place = under ?? key
        func failure(_ element: String?, _ message: String) -> Matcher? {
            fail(place, in: section, element: element, "\(key): \(message)")
            return nil
        }
        switch key {
        case "listener":
            var patterns: [ListenerPattern] = []
            for item in Self.items(value) {
                if let port = item.int, (1...65_535).contains(port) {
                    patterns.append(.port(port))
                } else if let text = item.string, let endpoint = try? Endpoint.parse(text) {
                    patterns.append(endpoint.host.isEmpty ? .port(endpoint.port) : .endpoint(endpoint))
                } else if let text = item.string, text.hasPrefix(":"), let port = Int(text.dropFirst()), (1...65_535).contains(port) {
                    patterns.append(.port(port))
                } else {
                    return failure(item.string, "write a port (8080, \":8080\") or an address (\"127.0.0.1:8080\")")
                }
            }
            return patterns.isEmpty ? failure(nil, "give at least one listener") : .listener(patterns)
        case "peer":
            guard let texts = strings(value) else { return failure(nil, "write a CIDR (\"10.0.0.0/8\") or a list of them") }
            var networks: [AddressPrefix] = []
            for text in texts {
                do {
                    networks.append(try AddressPrefix.parse(text))
                } catch {
                    return failure(text, "bad CIDR: \(error)")
                }
            }
            return networks.isEmpty ? failure(nil, "give at least one network") : .peer(networks)
        case "sni", "host":
            guard let texts = strings(value), !texts.isEmpty else { return failure(nil, "write a name or a glob (\"*.example.com\"), or a list of them") }
            var globs: [Glob] = []
            for text in texts {
                do {
                    globs.append(try Glob(text))
                } catch {
                    return failure(text, "bad glob '\(text)': \(error)")
                }
            }
            return key == "sni" ? .sni(globs) : .host(globs)
        case "alpn":
            guard let names = strings(value), !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
                return failure(nil, "write a protocol name (\"h2\") or a list of them")
            }
            return .alpn(names)
        case "method":
            guard let methods = strings(value), !methods.isEmpty,
                  methods.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0 == "-" } })
            else { return failure(nil, "write an HTTP method (\"GET\") or a list of them") }
            return .method(methods.map { $0.uppercased() })
        case "path":
            guard let texts = strings(value), !texts.isEmpty else { return failure(nil, "write a prefix (\"/api/\") or a glob (\"/*.php\"), or a list") }
            var patterns: [PathPattern] = []
            for text in texts {
                do {
                    patterns.append(try PathPattern(text))
                } catch {
                    return failure(text, "bad glob '\(text)': \(error)")
                }
            }
            return .path(patterns)
        case "data_prefix":
            guard let text = value.string, !text.isEmpty else { return failure(nil, "write text, or hex:… for bytes") }
            guard text.hasPrefix("hex:") else { return .dataPrefix(Array(text.utf8)) }
            guard let bytes = Self.hexBytes(text.dropFirst(4)), !bytes.isEmpty else {
                return failure(nil, "'\(text)' is not hex; write an even number of hex digits, e.g. hex:160301")
            }
            return .dataPrefix(bytes)
        case "data_regex":
            guard let text = value.string else { return failure(nil, "write a regular expression as a string") }
            do {
                return .dataRegex(try DataRegex(text))
            } catch {
                return failure(nil, "bad regex: \(error)")
            }
        case "time":
            guard let text = value.string else { return failure(nil, "write a window such as \"Mon-Fri 09:00-18:00\"") }
            do {
                return .time(try TimeWindow(text))
            } catch {
                return failure(nil, error.description)
            }
        case "rate":
            guard let text = value.string else { return failure(nil, "write COUNT/WINDOW as a string, e.g. \"20/10s\"") }
            do {
                return .rate(try RateLimit(text))
            } catch {
                return failure(nil, error.description)
            }
        case "concurrent":
            guard let count = value.int, (1...1_000_000).contains(count) else { return failure(nil, "write a number of connections from 1 to 1000000") }
            return .concurrent(count)
        default:
            return failure(nil, "unknown matcher")
        }
    }

    /// The action keys of a rule or of `[default]`.
    mutating func readAction(_ table: TOMLTable, in section: Section) -> RuleAction? {
        let subject = section == .named("default") ? "[default]" : "this rule"
        guard let value = table["action"] else {
            let place = positions.header(section)
            errors.append(RulesFileError(file: file, line: place.line, column: place.column, message: "\(subject) has no action; write action = \"accept\", \"reject\", \"defer\" or \"ask\""))
            return nil
        }
        guard let name = value.string, RulesFile.actions.contains(name) else {
            fail("action", in: section, "unknown action \(value.string.map { "'\($0)'" } ?? ""); use accept, reject, defer or ask")
            return nil
        }
        if name != "reject" {
            for key in ["mode", "message"] where table[key] != nil {
                fail(key, in: section, atValue: false, "\(key) belongs to action = \"reject\"")
            }
        }
        if name != "defer", table["for"] != nil {
            fail("for", in: section, atValue: false, "for belongs to action = \"defer\"")
        }
        switch name {
        case "accept": return .decide(.accept)
        case "ask": return .ask
        case "defer":
            guard let text = table["for"]?.string, let duration = try? DurationText.parse(text), duration > .zero else {
                fail(table["for"] == nil ? "action" : "for", in: section, "defer needs for = \"30s\" (a duration longer than zero)")
                return nil
            }
            return .decide(.deferral(duration))
        default:
            var mode = RejectMode.close
            if let value = table["mode"] {
                guard let text = value.string, let chosen = RejectMode(rawValue: text) else {
                    fail("mode", in: section, "mode is \"close\" (the message, then FIN) or \"reset\" (RST)")
                    return nil
                }
                mode = chosen
            }
            var message: [UInt8] = []
            if let value = table["message"] {
                guard let text = value.string else {
                    fail("message", in: section, "message is a string: the bytes sent before closing")
                    return nil
                }
                guard mode == .close else {
                    fail("message", in: section, "a message cannot be sent with mode = \"reset\"")
                    return nil
                }
                message = Array(text.utf8)
            }
            return .decide(.reject(Rejection(mode: mode, message: message)))
        }
    }

    /// A string, or the strings of an array; `nil` for anything else.
    func strings(_ value: any TOMLValueConvertible) -> [String]? {
        if let text = value.string { return [text] }
        guard let array = value.array else { return nil }
        var texts: [String] = []
        for item in array {
            guard let text = item.string else { return nil }
            texts.append(text)
        }
        return texts
    }

    static func items(_ value: any TOMLValueConvertible) -> [any TOMLValueConvertible] {
        value.array.map { Array($0) } ?? [value]
    }

    static func hexBytes(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
