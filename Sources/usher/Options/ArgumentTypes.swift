import Foundation
import ArgumentParser
import UsherCore

extension Endpoint: ExpressibleByArgument {
    public init?(argument: String) {
        guard let endpoint = try? Endpoint.parse(argument) else { return nil }
        self = endpoint
    }
}

extension Policy: ExpressibleByArgument {}
extension TimeoutAction: ExpressibleByArgument {}
extension OverflowMode: ExpressibleByArgument {}
extension HalfClosePolicy: ExpressibleByArgument {}
extension RejectMode: ExpressibleByArgument {}

/// Parsers that explain what is wrong with a value (argument-parser names the flag).
enum ArgumentParsing {
    static func endpoint(_ text: String) throws -> Endpoint {
        do {
            return try Endpoint.parse(text)
        } catch {
            throw ValidationError(error.description)
        }
    }

    static func duration(_ text: String) throws -> Duration {
        do {
            return try DurationText.parse(text)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// A duration, or `none`/`off` for no limit.
    static func optionalDuration(_ text: String) throws -> Duration? {
        if ["none", "off", "never"].contains(text.lowercased()) { return nil }
        let duration = try duration(text)
        guard duration > .zero else { throw ValidationError("'\(text)' must be longer than zero; write 'none' for no timeout") }
        return duration
    }

    /// One network or address, or several separated by commas.
    static func prefixes(_ text: String) throws -> [AddressPrefix] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try parts.map { part throws -> AddressPrefix in
            do throws(AddressPrefix.ParseError) {
                return try AddressPrefix.parse(part)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    static func escapedText(_ text: String) throws -> [UInt8] {
        do {
            return try EscapedText.decode(text)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
