import DequeModule
import UsherCore

/// The connection requests the guard holds at the door, as a sans-IO table: one per client
/// 4-tuple, with the newest of its SYNs (the one that gets the verdict) and when each arrived.
///
/// A client that hears nothing sends its SYN again (Linux after 1 s, then every second four
/// times, then doubling); each retransmit replaces the held packet, and the older one is
/// dropped. A client that stops retransmitting has given up: once twice its last interval
/// (plus a margin) has passed without a SYN, its request is withdrawn. After a decision, the
/// retransmits of the decided SYN (the same tuple and sequence number: the client did not hear
/// the answer, or the server's kernel dropped the SYN it was let through to) get the same verdict
/// for as long as a client retransmits, instead of becoming new requests; a new connection
/// attempt from the same address and port (another sequence number) is a new request.
struct HeldSYNs {
    /// Who connects to where.
    struct Tuple: Hashable {
        var client: Endpoint
        var server: Endpoint
    }

    struct Entry {
        var request: RequestID
        /// The newest SYN: the packet the verdict goes to.
        var packet: UInt32
        /// The SYN's sequence number.
        var sequence: UInt32
        /// When each SYN arrived, oldest first (at most ``maximumArrivals``).
        var arrivals: [Moment]
    }

    /// What to do with a SYN.
    enum SYNOutcome: Equatable {
        /// A new connection request: offer it to the provider, then ``hold(_:packet:request:at:)``.
        case new
        /// A retransmit of a held request: its older packet is to be dropped.
        case retransmit(RequestID, dropping: UInt32, count: Int)
        /// A retransmit of a request decided lately: the same verdict.
        case decided(GuardVerdict)
    }

    /// The first retransmit comes within this (Linux: 1 s; some stacks wait 3 s).
    static let firstInterval: Duration = .seconds(3)
    /// Added to the interval expected before a request is withdrawn.
    static let margin: Duration = .seconds(1)
    /// How long the verdict of a decided request answers its retransmits: as long as a Linux
    /// client retransmits (`tcp_syn_retries` 6: about two minutes).
    static let decidedMemory: Duration = .seconds(130)
    static let maximumArrivals = 16
    /// Decided tuples remembered at most; the oldest go first.
    static let maximumDecided = 65_536

    private(set) var held: [Tuple: Entry] = [:]
    private var tuples: [RequestID: Tuple] = [:]
    private var decided: [Tuple: (verdict: GuardVerdict, sequence: UInt32, until: Moment)] = [:]
    private var decidedOrder = Deque<(Tuple, Moment)>()

    var count: Int { held.count }

    /// A SYN of `tuple` with sequence number `sequence` arrived as `packet`.
    mutating func syn(_ tuple: Tuple, packet: UInt32, sequence: UInt32, at now: Moment) -> SYNOutcome {
        if var entry = held[tuple] {
            let older = entry.packet
            entry.packet = packet
            entry.sequence = sequence
            entry.arrivals.append(now)
            if entry.arrivals.count > Self.maximumArrivals { entry.arrivals.removeFirst() }
            held[tuple] = entry
            return .retransmit(entry.request, dropping: older, count: entry.arrivals.count - 1)
        }
        if let memory = decided[tuple], memory.until > now, memory.sequence == sequence { return .decided(memory.verdict) }
        return .new
    }

    /// Holds `packet` as the SYN of `request`.
    mutating func hold(_ tuple: Tuple, packet: UInt32, sequence: UInt32, request: RequestID, at now: Moment) {
        held[tuple] = Entry(request: request, packet: packet, sequence: sequence, arrivals: [now])
        tuples[request] = tuple
    }

    /// Lets go of `request`: its newest packet, for the verdict; later SYNs of its tuple get
    /// `verdict` for a while.
    mutating func release(_ request: RequestID, verdict: GuardVerdict, at now: Moment) -> UInt32? {
        guard let tuple = tuples.removeValue(forKey: request), let entry = held.removeValue(forKey: tuple) else { return nil }
        remember(tuple, sequence: entry.sequence, verdict: verdict, at: now)
        return entry.packet
    }

    /// The requests whose clients stopped retransmitting: twice their last interval and the
    /// margin have passed since their last SYN.
    func silent(at now: Moment) -> [RequestID] {
        held.values.filter { entry in
            guard let last = entry.arrivals.last else { return false }
            let interval = entry.arrivals.count >= 2 ? last - entry.arrivals[entry.arrivals.count - 2] : Self.firstInterval / 2
            return now - last > interval * 2 + Self.margin
        }.map(\.request).sorted()
    }

    /// The time of each SYN of `request` after the first, from the first.
    func retransmits(of request: RequestID) -> [Duration] {
        guard let tuple = tuples[request], let entry = held[tuple], let first = entry.arrivals.first else { return [] }
        return entry.arrivals.dropFirst().map { $0 - first }
    }

    private mutating func remember(_ tuple: Tuple, sequence: UInt32, verdict: GuardVerdict, at now: Moment) {
        let until = now + Self.decidedMemory
        decided[tuple] = (verdict, sequence, until)
        decidedOrder.append((tuple, until))
        while let (oldest, expiry) = decidedOrder.first, expiry <= now || decidedOrder.count > Self.maximumDecided {
            decidedOrder.removeFirst()
            if decided[oldest]?.until == expiry { decided[oldest] = nil }
        }
    }
}

/// What the guard does with a held SYN once decided.
enum GuardVerdict: Hashable, Sendable {
    /// Let it through: the kernel answers it and the server accepts as usual.
    case accept
    /// Refuse it: the client gets a reset (connection refused).
    case refuse
    /// Drop it without an answer: the client retransmits until it gives up.
    case drop
}
