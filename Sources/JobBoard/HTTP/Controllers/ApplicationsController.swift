import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// Applying to jobs, and the pipeline of applications on both sides.
struct ApplicationsController {
    let service: JobBoardService
    let applyingLimiter: RateLimiter?

    func addRoutes(to api: CatalogedGroup<JobBoardContext>) {
        let seeker = api.group("", context: SeekerContext.self)
        seeker.limited(by: applyingLimiter, action: "applying").on(.post, "jobs/{id}/applications", use: apply)
        seeker.on(.get, "me/applications", use: mine)
        seeker.on(.post, "applications/{id}/withdraw", use: withdraw)
        let employer = api.group("", context: EmployerContext.self)
        employer.on(.get, "jobs/{id}/applications", use: listForJob)
        employer.on(.post, "applications/{id}/status", use: move)
    }

    @Sendable func apply(_ request: Request, context: SeekerContext) async throws -> EditedResponse<ApplicationResource> {
        let jobID = try JobsController.id(context)
        let input = try await request.decode(as: ApplicationInput.self, context: context)
        let application = try await service.apply(
            toJob: jobID, coverNote: input.coverNote ?? "", resumeURL: input.resumeURL, by: context.caller)
        return EditedResponse(status: .created, response: ApplicationResource(application))
    }

    @Sendable func mine(_ request: Request, context: SeekerContext) async throws -> ApplicationListResource {
        let list = try await service.applications(of: context.caller)
        return ApplicationListResource(applications: list.map { ApplicationResource($0.0, jobTitle: $0.1?.content.title) })
    }

    @Sendable func withdraw(_ request: Request, context: SeekerContext) async throws -> ApplicationResource {
        ApplicationResource(try await service.withdraw(applicationID: try JobsController.id(context), by: context.caller))
    }

    @Sendable func listForJob(_ request: Request, context: EmployerContext) async throws -> ApplicationListResource {
        let list = try await service.applications(toJob: try JobsController.id(context), by: context.caller)
        return ApplicationListResource(applications: list.map { ApplicationResource($0) })
    }

    @Sendable func move(_ request: Request, context: EmployerContext) async throws -> ApplicationResource {
        let id = try JobsController.id(context)
        let input = try await request.decode(as: ApplicationStatusInput.self, context: context)
        return ApplicationResource(try await service.moveApplication(id: id, to: input.status, by: context.caller))
    }
}
