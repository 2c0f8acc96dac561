import UsherCore

/// What an operator types to narrow the pending requests, read one way everywhere (the
/// dashboard's `/`, and `--peer`/`--listener` of the commands): a network or address
/// (`10.0.0.0/8`, `192.0.2.7`, `::1`, `::1/128`, `[::1]`, `::/0`), a listener port (`:8080`), or
/// else text to look for.
public enum FilterText: Hashable, Sendable {
    case peer(AddressPrefix)
    case listener(port: Int)
    case text(String)

    /// Why typed text that looks like an address, a network or a port is not one.
    public struct Invalid: Error, Hashable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Reads `text`. An address or network is a peer filter; what looks like a network
    /// (`ADDRESS/LENGTH`) must be a valid one, and `:N` a valid port; anything else (`198.51`,
    /// a partial address) is text.
    public static func parse(_ text: String) throws(Invalid) -> FilterText {
        if text.hasPrefix(":"), text.dropFirst().allSatisfy(\.isNumber), !text.dropFirst().isEmpty {
            guard let port = Int(text.dropFirst()), (0...65_535).contains(port) else {
                throw Invalid(description: "'\(text)': \(text.dropFirst()) is not a port (0 to 65535)")
            }
            return .listener(port: port)
        }
        guard looksLikeAddress(text) else { return .text(text) }
        do throws(AddressPrefix.ParseError) {
            return .peer(try AddressPrefix.parse(text))
        } catch {
            guard text.contains("/") else { return .text(text) }
            throw Invalid(description: error.description)
        }
    }

    /// Hex digits, dots and colons (at least one of either), brackets, and a `/length`.
    static func looksLikeAddress(_ text: String) -> Bool {
        let host = text.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        guard !host.isEmpty, host.contains(".") || host.contains(":") else { return false }
        let allowed = Set("0123456789abcdefABCDEF.:[]")
        guard host.allSatisfy(allowed.contains) else { return false }
        // A dotted word (`example.com`) is text; an address has digits between its dots.
        if !host.contains(":") { return host.allSatisfy { $0.isNumber || $0 == "." } }
        return true
    }
}
