import NIOCore
import NIOEmbedded
import NIOTLS

/// The server name a TLS client asks for (SNI), read from captured caller data with
/// SwiftNIO's `SNIHandler`.
enum TLSServerName {
    /// The host name of the ClientHello at the start of `bytes`; `nil` when the bytes are not
    /// TLS, are cut short, or name no server.
    static func read(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 6, bytes[0] == 0x16, bytes[1] == 0x03 else { return nil }
        let channel = EmbeddedChannel()
        let found = Found()
        let handler = SNIHandler { result in
            found.result = result
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        do {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(handler))
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        } catch {
            return nil
        }
        _ = try? channel.finish(acceptAlreadyClosed: true)
        guard case .hostname(let name) = found.result else { return nil }
        return name
    }

    private final class Found {
        var result: SNIResult?
    }
}
