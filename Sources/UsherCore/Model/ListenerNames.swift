import Synchronization

/// Each listener's display name (`127.0.0.1:8080`, `*:8080`) by ``ListenerID`` index, shared by
/// whoever names listeners in what it writes (the log, the journal, notifications); a reloaded
/// configuration adds names as it adds listeners.
public final class ListenerNames: Sendable, ExpressibleByArrayLiteral {
    private let names: Mutex<[String]>

    public init(_ names: [String]) {
        self.names = Mutex(names)
    }

    public convenience init(arrayLiteral names: String...) {
        self.init(names)
    }

    /// The name of `listener`; its ID (`l3`) when it has none.
    public subscript(_ listener: ListenerID) -> String {
        names.withLock { $0.indices.contains(listener.index) ? $0[listener.index] : "\(listener)" }
    }

    /// Names `listener` (a listener added while the gate runs).
    public func name(_ listener: ListenerID, _ name: String) {
        names.withLock { names in
            while names.count <= listener.index { names.append("\(ListenerID(names.count))") }
            names[listener.index] = name
        }
    }

    /// Every name, by index.
    public var all: [String] { names.withLock { $0 } }
}
