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

/// A context that exists only for an account of one role.
public protocol RoleContext: ChildRequestContext, JobBoardRequestContext where ParentContext == JobBoardContext {
    static var role: Role { get }
    var caller: Account { get }
}

extension RoleContext {
    static func requireCaller(in context: JobBoardContext) throws -> Account {
        let account = try SignedInContext(context: context).caller
        guard account.role == role else {
            throw JobBoardError.forbidden("this needs a \(role.rawValue) account; you are logged in as a \(account.role.rawValue)")
        }
        return account
    }
}

/// Only employers reach routes grouped under this context.
public struct EmployerContext: RoleContext {
    public static let role = Role.employer
    public var coreContext: CoreRequestContextStorage
    public var clientIP: String
    public let caller: Account
    public var account: Account? { caller }

    public init(context: JobBoardContext) throws {
        self.caller = try Self.requireCaller(in: context)
        self.coreContext = context.coreContext
        self.clientIP = context.clientIP
    }

    public var maxUploadSize: Int { 64 * 1024 }
    public var requestDecoder: APIDecoder { APIDecoder() }
    public var responseEncoder: APIEncoder { APIEncoder() }
}

/// Only job seekers reach routes grouped under this context.
public struct SeekerContext: RoleContext {
    public static let role = Role.seeker
    public var coreContext: CoreRequestContextStorage
    public var clientIP: String
    public let caller: Account
    public var account: Account? { caller }

    public init(context: JobBoardContext) throws {
        self.caller = try Self.requireCaller(in: context)
        self.coreContext = context.coreContext
        self.clientIP = context.clientIP
    }

    public var maxUploadSize: Int { 64 * 1024 }
    public var requestDecoder: APIDecoder { APIDecoder() }
    public var responseEncoder: APIEncoder { APIEncoder() }
}

/// Only moderators reach routes grouped under this context.
public struct ModeratorContext: RoleContext {
    public static let role = Role.moderator
    public var coreContext: CoreRequestContextStorage
    public var clientIP: String
    public let caller: Account
    public var account: Account? { caller }

    public init(context: JobBoardContext) throws {
        self.caller = try Self.requireCaller(in: context)
        self.coreContext = context.coreContext
        self.clientIP = context.clientIP
    }

    public var maxUploadSize: Int { 64 * 1024 }
    public var requestDecoder: APIDecoder { APIDecoder() }
    public var responseEncoder: APIEncoder { APIEncoder() }
}
