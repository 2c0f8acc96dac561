import Foundation
import UsherCore
import UsherDataPlane
import UsherGate

/// The messages of a hand-over between two ushers on a restart, as JSON over a
/// ``HandOverChannel``, each with the descriptors it is about.
///
/// The new usher says `TakeOverRequest`; the old one answers with a `HandOverHeader`, then one
/// message per listening socket, parked connection, held client and proxied pair; the new one
/// answers `HandOverAnswer`, and once the old one has let go of its control socket it says
/// `HandOverReleased`.
enum HandOverMessages {
    /// The protocol's version: both ushers speak the same one, or the hand-over is refused.
    static let version = 1

    struct TakeOverRequest: Codable {
        var version: Int
        var pid: Int32
    }

    struct HandOverHeader: Codable {
        var version: Int
        var pid: Int32
        var core: CoreHandOver
        var listeners: [ListenerEntry]
        var parked: Int
        var pending: Int
        var proxied: Int
        /// Why the old usher cannot hand over (the other fields are then empty).
        var refusal: String?
    }

    /// A listening socket: its index there, its bound address, and its address as configured
    /// (port 0 before the system picked one).
    struct ListenerEntry: Codable {
        var index: Int
        var name: String
        var configured: String
        /// The name systemd gave it, for a socket systemd passed (`--listen fd:NAME`).
        var systemd: String?
    }

    struct ParkedEntry: Codable {
        var listener: Int
        var peer: Endpoint
        var local: Endpoint
    }

    struct PendingEntry: Codable {
        var record: HandedOverRequest
        var captured: Data
        var finishedSending: Bool
        var readTheEnd: Bool
    }

    struct ProxiedEntry: Codable {
        var record: HandedOverRequest
        var toUpstream: Data
        var toClient: Data
        var sourcesEnded: UInt8
        var sinksShutDown: UInt8
        var totals: Relay.Totals
    }

    struct HandOverAnswer: Codable {
        var ok: Bool
        var error: String?
    }

    struct HandOverReleased: Codable {
        var released: Bool
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        (try? Array(JSONEncoder().encode(value))) ?? []
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws(HandOverError) -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw HandOverError("an unreadable \(type) message: \(error)")
        }
    }
}

/// Why a hand-over did not happen, in a sentence.
struct HandOverError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }

    init(_ error: DataPlaneError) {
        description = error.description
    }
}

extension HandOverChannel {
    /// Sends `message` as JSON with `descriptors`.
    func send(_ message: some Encodable, descriptors: [Int32] = []) throws(HandOverError) {
        do {
            try send(HandOverMessages.encode(message), descriptors: descriptors)
        } catch {
            throw HandOverError(error)
        }
    }

    /// The next message as `type`, with exactly `descriptors` descriptors.
    func receive<Value: Decodable>(_ type: Value.Type, descriptors expected: Int = 0) throws(HandOverError) -> (Value, [Int32]) {
        let received: (payload: [UInt8], descriptors: [Int32])?
        do {
            received = try receive()
        } catch {
            throw HandOverError(error)
        }
        guard let received else { throw HandOverError("the other usher closed the hand-over") }
        guard received.descriptors.count == expected else {
            for descriptor in received.descriptors { Glibc.close(descriptor) }
            throw HandOverError("a \(type) message came with \(received.descriptors.count) descriptors, not \(expected)")
        }
        do {
            return (try HandOverMessages.decode(type, from: received.payload), received.descriptors)
        } catch {
            for descriptor in received.descriptors { Glibc.close(descriptor) }
            throw error
        }
    }
}
