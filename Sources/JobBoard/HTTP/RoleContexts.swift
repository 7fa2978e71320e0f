import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// A context that exists only for a logged-in account; routes grouped under it cannot run anonymously.
public struct SignedInContext: ChildRequestContext, JobBoardRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var clientIP: String
    /// The caller, always present.
    public let caller: Account
    public var account: Account? { caller }

    public init(context: JobBoardContext) throws {
        guard let account = context.account else {
            throw JobBoardError.unauthenticated("log in first: send Authorization: Bearer <token> or the session cookie")
        }
        self.coreContext = context.coreContext
        self.clientIP = context.clientIP
        self.caller = account
    }

    public var maxUploadSize: Int { 64 * 1024 }
    public var requestDecoder: APIDecoder { APIDecoder() }
    public var responseEncoder: APIEncoder { APIEncoder() }
}

/// A role a group of routes requires.
public protocol RequiredRole: Sendable {
    static var role: Role { get }
}

/// Employers only.
public enum EmployerRole: RequiredRole { public static let role = Role.employer }
/// Job seekers only.
public enum SeekerRole: RequiredRole { public static let role = Role.seeker }
/// Moderators only.
public enum ModeratorRole: RequiredRole { public static let role = Role.moderator }

/// A context that exists only for an account of the required role: routes grouped under it cannot run for
/// anyone else, so handlers never check roles themselves.
public struct RoleContext<Required: RequiredRole>: ChildRequestContext, JobBoardRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var clientIP: String
    /// The caller, always of the required role.
    public let caller: Account
    public var account: Account? { caller }

    public init(context: JobBoardContext) throws {
        let account = try SignedInContext(context: context).caller
        guard account.role == Required.role else {
            throw JobBoardError.forbidden(
                "this needs a \(Required.role.rawValue) account; you are logged in as a \(account.role.rawValue)")
        }
        self.caller = account
        self.coreContext = context.coreContext
        self.clientIP = context.clientIP
    }

    public var maxUploadSize: Int { 64 * 1024 }
    public var requestDecoder: APIDecoder { APIDecoder() }
    public var responseEncoder: APIEncoder { APIEncoder() }
}

/// Routes only employers reach.
public typealias EmployerContext = RoleContext<EmployerRole>
/// Routes only job seekers reach.
public typealias SeekerContext = RoleContext<SeekerRole>
/// Routes only moderators reach.
public typealias ModeratorContext = RoleContext<ModeratorRole>
