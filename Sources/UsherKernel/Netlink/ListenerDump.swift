/// The reply to one listener dump, taken in datagram by datagram (sans-IO: the socket layer
/// feeds it what `recv` returned).
///
/// Messages of another sequence or type are ignored; a listener message that is short or
/// malformed is counted in ``skipped`` and left out, never guessed at.
struct ListenerDump {
    let sequence: UInt32
    private(set) var sockets: [ListeningSocket] = []
    /// Messages that could not be read as listeners.
    private(set) var skipped = 0

    /// What the reader should do after a datagram.
    enum Progress: Equatable {
        /// The dump goes on: receive the next datagram.
        case more
        /// The dump is complete; `interrupted` when the kernel says the table changed during it
        /// (the caller may want to dump again).
        case done(interrupted: Bool)
    }

    init(sequence: UInt32) {
        self.sequence = sequence
    }

    /// Takes in one datagram of the reply.
    mutating func consume(_ datagram: ArraySlice<UInt8>) throws(KernelError) -> Progress {
        let (messages, truncated) = NetlinkMessage.split(datagram)
        if truncated { skipped += 1 }
        for message in messages where message.sequence == sequence {
            switch message.type {
            case NetlinkMessage.Kind.done:
                return .done(interrupted: message.flags & NetlinkMessage.Flag.dumpInterrupted != 0)
            case NetlinkMessage.Kind.error:
                let code = ByteReader(message.payload).uint32(at: 0).map { Int32(bitPattern: $0) } ?? 0
                if code == 0 { continue }  // an acknowledgement
                throw .kernelRefused(errno: -code)
            case NetlinkMessage.Kind.overrun:
                throw .overrun
            case InetDiag.byFamily:
                if let socket = InetDiag.listener(from: message.payload) {
                    sockets.append(socket)
                } else {
                    skipped += 1
                }
            default:
                continue
            }
        }
        return .more
    }
}
