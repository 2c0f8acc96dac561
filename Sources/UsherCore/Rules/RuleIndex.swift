/// Which rules of a large set can match a request, found without testing every rule: rules are
/// filed under one selective matcher (a peer network, a port, an exact SNI or Host), the rest are
/// always candidates. Finding the candidates costs one look-up per prefix length in use.
struct RuleIndex: Sendable {
    private struct Network: Hashable {
        var bytes: [UInt8]
        var length: Int
    }

    private var unindexed: [Int] = []
    private var byNetwork: [Network: [Int]] = [:]
    private var lengths: [Int: [Int]] = [:]  // address size (4, 16) → prefix lengths in use
    private var byPort: [Int: [Int]] = [:]
    private var bySNI: [String: [Int]] = [:]
    private var byHost: [String: [Int]] = [:]
    private var sniRules: [Int] = []
    private var hostRules: [Int] = []

    init(_ rules: [Rule]) {
        for (index, rule) in rules.enumerated() { file(index, rule) }
        lengths = lengths.mapValues { Array(Set($0)).sorted() }
    }

    private mutating func file(_ index: Int, _ rule: Rule) {
        for matcher in rule.matchers {
            switch matcher {
            case .peer(let networks):
                for network in networks {
                    byNetwork[Network(bytes: AddressPrefix.masked(network.bytes, length: network.length), length: network.length), default: []].append(index)
                    lengths[network.bytes.count, default: []].append(network.length)
                }
                return
            case .listener(let patterns) where patterns.allSatisfy({ if case .port = $0 { true } else { false } }):
                for case .port(let port) in patterns { byPort[port, default: []].append(index) }
                return
            case .sni(let globs) where globs.allSatisfy(\.isExact):
                for glob in globs { bySNI[glob.exactName, default: []].append(index) }
                sniRules.append(index)
                return
            case .host(let globs) where globs.allSatisfy(\.isExact):
                for glob in globs { byHost[glob.exactName, default: []].append(index) }
                hostRules.append(index)
                return
            default:
                continue
            }
        }
        unindexed.append(index)
    }

    /// The rules that may match, in order. While caller data may still arrive, every rule filed
    /// under an SNI or a Host is a candidate, since it may have to wait.
    func candidates(_ context: RuleContext, _ facts: CallerFacts, mayWait: Bool) -> [Int] {
        var found = unindexed
        if let address = facts.sourceBytes {
            for length in lengths[address.count] ?? [] {
                found += byNetwork[Network(bytes: AddressPrefix.masked(address, length: length), length: length)] ?? []
            }
        }
        found += byPort[context.local.port] ?? []
        if context.listenerEndpoint.port != context.local.port { found += byPort[context.listenerEndpoint.port] ?? [] }
        if let name = facts.data.preview.tls?.serverName {
            found += bySNI[name.lowercased()] ?? []
        } else if mayWait && facts.tlsMayFollow {
            found += sniRules
        }
        if let host = facts.data.preview.http?.host {
            found += byHost[Matcher.hostWithoutPort(host).lowercased()] ?? []
        } else if mayWait && facts.httpMayFollow {
            found += hostRules
        }
        return Array(Set(found)).sorted()
    }
}
