import UsherCore

/// What a gate starting on a restart takes from the usher it replaces: everything that one
/// handed over, where each of its listeners goes here, and which of them this configuration
/// leaves out (they are closed once what they had is taken).
public struct TakeOver: Sendable {
    public var handOver: EngineHandOver
    /// The previous usher's listener index → the index in this gate's listeners.
    public var listenerIndex: [Int: Int]
    /// Indexes of this gate's listeners kept only to take what the previous usher had on them.
    public var closing: [Int]

    public init(handOver: EngineHandOver, listenerIndex: [Int: Int], closing: [Int]) {
        self.handOver = handOver
        self.listenerIndex = listenerIndex
        self.closing = closing
    }
}

extension Gate {
    /// Stops taking connections and lets go of every held and proxied connection it can hand
    /// to the next usher; `nil` on the SwiftNIO data path, which cannot.
    public func beginHandOver() async -> EngineHandOver? {
        await epollEngine?.beginHandOver(names: listenerNames)
    }

    /// Closes this process's copies once the next usher has everything (`handedOver`), or takes
    /// everything back and goes on.
    public func finishHandOver(_ handOver: EngineHandOver, handedOver: Bool) async {
        await epollEngine?.finishHandOver(handOver, handedOver: handedOver)
    }
}
