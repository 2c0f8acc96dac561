import DequeModule

/// How many requests one source address may make in a window: `"20/10s"`, `"5/1s"`, `"100/1m"`.
///
/// A rule with a rate matches a source's requests while there have been at most `count` of them
/// (this one included) within the last `window`; the rest do not match and fall through to the
/// next rule.
public struct RateLimit: Hashable, Sendable, CustomStringConvertible {
    public let count: Int
    public let window: Duration

    /// The most requests a rate may allow per window.
    public static let maximumCount = 1_000_000

    /// Why a rate was refused.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(count: Int, window: Duration) {
        self.count = count
        self.window = window
    }

    public init(_ text: String) throws(ParseError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[0]), parts[0].allSatisfy(\.isASCIIDigit),
              (1...Self.maximumCount).contains(count)
        else {
            throw ParseError(description: "'\(text)' is not a rate; write COUNT/WINDOW with a count from 1 to \(Self.maximumCount), e.g. \"20/10s\"")
        }
        var windowText = String(parts[1])
        if windowText.first?.isNumber != true { windowText = "1" + windowText }
        guard let window = try? DurationText.parse(windowText), window > .zero else {
            throw ParseError(description: "'\(parts[1])' is not a window; write a duration such as 10s, 1m or 500ms")
        }
        self.init(count: count, window: window)
    }

    public var description: String { "\(count)/\(DurationText.format(window))" }
}

/// The recent requests of each source address for one rate, bounded: at most `count` moments
/// per source, and at most ``sourceLimit`` sources (the oldest are forgotten first).
struct RateWindows: Sendable {
    /// The most sources one rate remembers.
    static let sourceLimit = 65_536

    private var recent: [String: Deque<Moment>] = [:]
    private var order = Deque<String>()
    /// Sources forgotten because ``sourceLimit`` was reached.
    private(set) var forgotten = 0

    /// Counts a request from `source` at `now` and returns how many requests it made within the
    /// window, this one included (capped at `limit.count + 1`).
    mutating func count(_ source: String, at now: Moment, limit: RateLimit) -> Int {
        var moments = recent[source] ?? {
            makeRoom()
            order.append(source)
            return Deque()
        }()
        while let first = moments.first, now - first >= limit.window { moments.removeFirst() }
        moments.append(now)
        if moments.count > limit.count + 1 { moments.removeFirst() }
        recent[source] = moments
        return moments.count
    }

    /// How many requests `source` made within the window at `now`, without counting a new one.
    func current(_ source: String, at now: Moment, limit: RateLimit) -> Int {
        recent[source]?.filter { now - $0 < limit.window }.count ?? 0
    }

    private mutating func makeRoom() {
        while recent.count >= Self.sourceLimit, let oldest = order.popFirst() {
            recent[oldest] = nil
            forgotten += 1
        }
    }
}
