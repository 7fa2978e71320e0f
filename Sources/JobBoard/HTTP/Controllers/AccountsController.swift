import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// Sign-up, login, logout, the caller's own account and an employer's company profile.
struct AccountsController {
    let service: JobBoardService
    let loginLimiter: RateLimiter?
    let registrationLimiter: RateLimiter?

    func addRoutes(to api: CatalogedGroup<JobBoardContext>) {
        api.limited(by: registrationLimiter, action: "registration").on(.post, "auth/register", use: register)
        api.limited(by: loginLimiter, action: "login").on(.post, "auth/login", use: login)
        let signedIn = api.group("", context: SignedInContext.self)
        signedIn.on(.post, "auth/logout", use: logout)
        signedIn.on(.get, "me", use: me)
        let employer = api.group("", context: EmployerContext.self)
        employer.on(.get, "company", use: company)
        employer.on(.put, "company", use: saveCompany)
    }

    @Sendable func register(_ request: Request, context: JobBoardContext) async throws -> EditedResponse<AccountResource> {
        let input = try await request.decode(as: RegistrationInput.self, context: context)
        let account = try await service.register(
            email: input.email, password: input.password, role: input.role, displayName: input.displayName)
        return EditedResponse(status: .created, response: AccountResource(account))
    }

    @Sendable func login(_ request: Request, context: JobBoardContext) async throws -> SessionResource {
        let input = try await request.decode(as: LoginInput.self, context: context)
        let session = try await service.login(email: input.email, password: input.password)
        return SessionResource(token: session.token, account: AccountResource(session.account))
    }

    @Sendable func logout(_ request: Request, context: SignedInContext) async throws -> HTTPResponse.Status {
        if let token = SessionMiddleware.token(in: request) { try await service.logout(token: token) }
        return .noContent
    }

    @Sendable func me(_ request: Request, context: SignedInContext) async throws -> AccountResource {
        AccountResource(context.caller)
    }

    @Sendable func company(_ request: Request, context: EmployerContext) async throws -> CompanyResource {
        guard let profile = try await service.company(of: context.caller) else {
            throw JobBoardError.notFound("no company profile yet: PUT /api/v1/company to create it")
        }
        return CompanyResource(profile)
    }

    @Sendable func saveCompany(_ request: Request, context: EmployerContext) async throws -> CompanyResource {
        let input = try await request.decode(as: CompanyResource.self, context: context)
        let profile = try await service.saveCompany(
            name: input.name, website: input.website, about: input.about, location: input.location, by: context.caller)
        return CompanyResource(profile)
    }
}
