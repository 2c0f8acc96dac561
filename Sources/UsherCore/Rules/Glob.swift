/// A shell-style pattern: `*` matches any run of characters (`canary.*.example.com`), `?` one
/// character, anything else itself; names (SNI, Host) ignore case, paths do not.
public struct Glob: Hashable, Sendable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    /// `false` for names, which ignore case.
    public let isCaseSensitive: Bool
    private let scalars: [Unicode.Scalar]

    /// Why a pattern was refused.
    public enum ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        case empty
        case tooLong(Int)

        public var description: String {
            switch self {
            case .empty: "an empty pattern matches nothing; write * for anything"
            case .tooLong(let length): "a pattern of \(length) characters is too long (at most \(Glob.maximumLength))"
            }
        }
    }

    /// The longest pattern accepted.
    public static let maximumLength = 1024

    public init(_ pattern: String, caseSensitive: Bool = false) throws(ParseError) {
        guard !pattern.isEmpty else { throw .empty }
        guard pattern.unicodeScalars.count <= Self.maximumLength else { throw .tooLong(pattern.unicodeScalars.count) }
        self.pattern = pattern
        isCaseSensitive = caseSensitive
        scalars = Array((caseSensitive ? pattern : pattern.lowercased()).unicodeScalars)
    }

    /// `true` when the pattern has no `*` or `?`: it matches one name only.
    public var isExact: Bool { !scalars.contains("*") && !scalars.contains("?") }

    /// The name an exact pattern matches (lower-cased unless case-sensitive).
    var exactName: String { String(String.UnicodeScalarView(scalars)) }

    /// `true` when `name` matches. At most linear in the name times the pattern: only the last
    /// `*` is retried, never backtracking further.
    public func matches(_ name: String) -> Bool {
        let text = Array((isCaseSensitive ? name : name.lowercased()).unicodeScalars)
        var (t, p) = (0, 0)
        var star: (pattern: Int, text: Int)?
        while t < text.count {
            if p < scalars.count, scalars[p] == "?" || scalars[p] == text[t] {
                t += 1
                p += 1
            } else if p < scalars.count, scalars[p] == "*" {
                star = (p, t)
                p += 1
            } else if let retry = star {
                p = retry.pattern + 1
                t = retry.text + 1
                star = (retry.pattern, retry.text + 1)
            } else {
                return false
            }
        }
        while p < scalars.count, scalars[p] == "*" { p += 1 }
        return p == scalars.count
    }

    public var description: String { pattern }
}
