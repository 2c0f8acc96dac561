import UsherCore
import UsherWire

/// A line typed on the `:` command line, read against the action registry (``KeyMap``):
/// `accept peer 10.0.0.0/8`, `reject r4 reset`, `defer all 5m`, `filter :8080`, `sort peer`,
/// `theme light`, or the name of any other action (`help`, `detail`, `quit`).
public enum ColonCommand: Hashable, Sendable {
    /// `accept`, `reject`, `reset` or `defer`, with the requests it acts on.
    case decide(DecisionRequest, target: DecisionTarget)
    /// `defer` with no duration: the deferral prompt, for these requests.
    case askDeferral(target: DecisionTarget)
    /// `filter TEXT` (empty: clear).
    case filter(String)
    /// `sort [ORDER] [reverse]`: no order is the next one, as `s` does.
    case sort(SortOrder?, reversed: Bool)
    /// `theme NAME|PATH`.
    case theme(String)
    /// Any other action, as its key would run it.
    case perform(Command)

    /// Why a line cannot be run, in one line that names the word at fault.
    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Reads `line` (without the `:`).
    public static func parse(_ line: String, keyMap: KeyMap = .standard) throws(Problem) -> ColonCommand {
        let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let name = words.first?.lowercased() else { throw Problem(description: "type a command: \(names(keyMap))") }
        let rest = words.dropFirst()
        guard let binding = keyMap.binding(named: name == "q" ? "quit" : name) else {
            throw Problem(description: "'\(name)' is not a command; commands: \(names(keyMap))")
        }
        switch binding.command {
        case .accept: return .decide(.accept, target: try target(of: rest, name: name))
        case .reset: return .decide(.reject(mode: .reset, message: nil), target: try target(of: rest, name: name))
        case .reject:
            let reset = rest.last?.lowercased() == "reset"
            let close = rest.last?.lowercased() == "close"
            let target = try target(of: reset || close ? rest.dropLast() : rest, name: name)
            return .decide(.reject(mode: reset ? .reset : .close, message: nil), target: target)
        case .deferral:
            if let last = rest.last, let duration = try? DurationText.parse(last) {
                guard duration > .zero else { throw Problem(description: "defer: a deferral must be longer than 0") }
                return .decide(.deferral(duration), target: try target(of: rest.dropLast(), name: name))
            }
            return .askDeferral(target: try target(of: rest, name: name, durationAllowed: true))
        case .filter: return .filter(rest.joined(separator: " "))
        case .sort: return try sort(Array(rest))
        case .theme:
            guard rest.count == 1 else { throw Problem(description: "theme: name one theme: \(BuiltInThemes.names.joined(separator: ", ")) or a path") }
            return .theme(rest[rest.startIndex])
        default:
            guard rest.isEmpty else { throw Problem(description: "\(name) takes nothing after it (got '\(rest[rest.startIndex])')") }
            return .perform(binding.command)
        }
    }

    /// Every command's name, for errors and completion.
    static func names(_ keyMap: KeyMap) -> String {
        keyMap.bindings.compactMap(\.name).joined(separator: ", ")
    }

    private static func sort(_ words: [String]) throws(Problem) -> ColonCommand {
        var order: SortOrder?
        var reversed = false
        for word in words.map({ $0.lowercased() }) {
            if word == "reverse" || word == "reversed" {
                reversed = true
            } else if let named = SortOrder(rawValue: word), order == nil {
                order = named
            } else {
                let orders = SortOrder.allCases.map(\.rawValue).joined(separator: ", ")
                throw Problem(description: "sort: '\(word)' is not an order; orders: \(orders), then reverse if you like")
            }
        }
        return .sort(order, reversed: reversed)
    }

    /// The requests named after a decision's name; nothing is the tagged or selected ones.
    private static func target(
        of words: ArraySlice<String>, name: String, durationAllowed: Bool = false
    ) throws(Problem) -> DecisionTarget {
        guard let first = words.first?.lowercased() else { return .current }
        let rest = words.dropFirst()
        switch first {
        case "all", "tagged":
            guard rest.isEmpty else { throw Problem(description: "\(name) \(first): nothing may follow (got '\(rest.first ?? "")')") }
            return first == "all" ? .all : .tagged
        case "peer":
            guard rest.count == 1, let peer = rest.first else { throw Problem(description: "\(name) peer: name one address or network (10.0.0.0/8, ::1)") }
            guard case .peer? = try? FilterText.parse(peer) else {
                throw Problem(description: "\(name) peer: '\(peer)' is not an address or network (10.0.0.0/8, 192.0.2.7, ::1/128)")
            }
            return .matching(peer, label: "from \(peer)")
        case "listener":
            guard rest.count == 1, let listener = rest.first else { throw Problem(description: "\(name) listener: name one port (:8080)") }
            let port = listener.hasPrefix(":") ? listener : ":" + listener
            guard case .listener? = try? FilterText.parse(port) else {
                throw Problem(description: "\(name) listener: '\(listener)' is not a port (:8080)")
            }
            return .matching(port, label: "on \(port)")
        default:
            let ids = words.flatMap { $0.split(separator: ",").map { $0.lowercased() } }
            if let bad = ids.first(where: { !isRequestID($0) }) {
                let expected = durationAllowed ? "a request ID (r4), all, tagged, peer, listener or a duration (5m)" : "a request ID (r4), all, tagged, peer or listener"
                throw Problem(description: "\(name): '\(bad)' is not \(expected)")
            }
            return .ids(ids)
        }
    }

    static func isRequestID(_ word: String) -> Bool {
        word.count > 1 && word.first == "r" && word.dropFirst().allSatisfy(\.isASCII) && word.dropFirst().allSatisfy(\.isNumber)
    }
}

/// The requests a decision typed on the command line acts on.
public enum DecisionTarget: Hashable, Sendable {
    /// Nothing named: the tagged requests, else the selected one (as the keys do).
    case current
    /// Requests by ID.
    case ids([String])
    /// Every request the filter shows.
    case all
    /// The tagged requests.
    case tagged
    /// Every pending request the filter text matches, shown or not (`peer 10.0.0.0/8`,
    /// `listener :8080`); `label` says which in the confirmation.
    case matching(String, label: String)
}
