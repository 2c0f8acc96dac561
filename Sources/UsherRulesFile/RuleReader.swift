import TOMLKit
import UsherCore

/// Turns the TOML tables of a rules file into a ``RuleSet``, collecting every problem.
struct RuleReader {
    let file: String
    let positions: SourcePositions
    var errors: [RulesFileError] = []
    /// The rule names read so far, with the index of the rule that has each.
    private var names: [String: Int] = [:]

    /// `true` for the file of remembered decisions, whose rules may have `expires_at`.
    let isRememberedFile: Bool
    /// The `expires_at` of each rule read, by its place among the rules kept.
    private(set) var expiries: [Int: Int64] = [:]

    init(file: String, positions: SourcePositions, isRememberedFile: Bool = false) {
        self.file = file
        self.positions = positions
        self.isRememberedFile = isRememberedFile
    }

    typealias Section = SourcePositions.Section

    mutating func fail(_ key: String, in section: Section, element: String? = nil, atValue: Bool = true, _ message: String) {
        let place = atValue ? positions.value(key, in: section, element: element) : positions.key(key, in: section)
        errors.append(RulesFileError(file: file, line: place.line, column: place.column, message: message))
    }

    mutating func read(_ table: TOMLTable) -> RuleSet? {
        for key in table.keys where !RulesFile.topKeys.contains(key) {
            fail(key, in: .top, atValue: false, "unknown key '\(key)'\(KeySuggestion.hint(for: key, in: RulesFile.topKeys)); a rules file has [[rule]] tables, a [default] table and inspect_delay")
        }
        var inspectDelay = Duration.zero
        if let value = table["inspect_delay"] {
            if let text = value.string, let delay = try? DurationText.parse(text) {
                inspectDelay = delay
            } else {
                fail("inspect_delay", in: .top, "inspect_delay must be a duration such as \"2s\" or \"500ms\"")
            }
        }
        var rules: [Rule] = []
        if let value = table["rule"] {
            if let array = value.array {
                for (index, element) in array.enumerated() {
                    guard index < RulesFile.maximumRules else {
                        fail("name", in: .rule(index), atValue: false, "more than \(RulesFile.maximumRules) rules")
                        break
                    }
                    guard let ruleTable = element.table else { continue }
                    if let rule = readRule(ruleTable, index: index) {
                        if isRememberedFile, let end = ruleTable["expires_at"]?.int { expiries[rules.count] = Int64(end) }
                        rules.append(rule)
                    }
                }
            } else {
                fail("rule", in: .top, atValue: false, "rules are written as [[rule]] tables")
            }
        }
        var defaultAction: RuleAction?
        if let value = table["default"] {
            if let defaultTable = value.table {
                let section = Section.named("default")
                for key in defaultTable.keys where !RulesFile.actionKeys.contains(key) {
                    fail(key, in: section, atValue: false, "unknown key '\(key)' in [default]\(KeySuggestion.hint(for: key, in: RulesFile.actionKeys)); it has \(RulesFile.actionKeys.joined(separator: ", "))")
                }
                defaultAction = readAction(defaultTable, in: section)
            } else {
                fail("default", in: .top, atValue: false, "the default is written as a [default] table")
            }
        }
        guard errors.isEmpty else { return nil }
        return RuleSet(rules: rules, defaultAction: defaultAction, inspectDelay: inspectDelay)
    }

    private mutating func readRule(_ table: TOMLTable, index: Int) -> Rule? {
        let section = Section.rule(index)
        let before = errors.count
        for key in table.keys where key != "name" && !RulesFile.actionKeys.contains(key) && !RulesFile.matcherKeys.contains(key)
            && !(isRememberedFile && key == "expires_at") {
            fail(key, in: section, atValue: false, "unknown key '\(key)' in rule \(index + 1)\(KeySuggestion.hint(for: key, in: RulesFile.ruleKeys)); matchers: \(RulesFile.matcherKeys.joined(separator: ", "))")
        }
        var name = ""
        if let value = table["name"] {
            if let text = value.string, !text.isEmpty, text.count <= 64,
               text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:/".contains($0)) }) {
                name = text
            } else {
                fail("name", in: section, "a rule name is 1 to 64 letters, digits and - _ . : /")
            }
        } else {
            let place = positions.header(section)
            errors.append(RulesFileError(file: file, line: place.line, column: place.column, message: "rule \(index + 1) has no name; write name = \"…\""))
        }
        if let first = names[name], !name.isEmpty {
            fail("name", in: section, "duplicate rule name '\(name)' (rule \(first + 1) has it too)")
        } else if !name.isEmpty {
            names[name] = index
        }
        if ["default", "policy", "operator", "timeout", "shutdown", "upstream", "overflow", "rules"].contains(name) {
            fail("name", in: section, "'\(name)' is reserved for usher's own conditions; choose another name")
        }
        var matchers: [Matcher] = []
        for key in RulesFile.matcherKeys {
            guard let value = table[key] else { continue }
            if key == "not" {
                matchers += readNegations(value, in: section)
            } else if let matcher = readMatcher(key, value, in: section) {
                matchers.append(matcher)
            }
        }
        let action = readAction(table, in: section)
        guard errors.count == before, let action else { return nil }
        return Rule(name: name, matchers: matchers, action: action, origin: "\(file):\(positions.header(section).line)")
    }

    private mutating func readNegations(_ value: any TOMLValueConvertible, in section: Section) -> [Matcher] {
        guard let table = value.table, !table.keys.isEmpty else {
            fail("not", in: section, "not takes a table of matchers to negate: not = { peer = \"10.0.0.0/8\" }")
            return []
        }
        var negated: [Matcher] = []
        for key in table.keys {
            guard RulesFile.matcherKeys.contains(key), key != "not" else {
                fail("not", in: section, element: key, "'\(key)' cannot be negated\(KeySuggestion.hint(for: key, in: Array(RulesFile.matcherKeys.dropLast()))); not takes matchers: \(RulesFile.matcherKeys.dropLast().joined(separator: ", "))")
                continue
            }
            if let value = table[key], let matcher = readMatcher(key, value, in: section, under: "not") {
                negated.append(.not(matcher))
            }
        }
        return negated
    }
}
