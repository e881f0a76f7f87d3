import { describe, expect, it } from "vitest";
import { orphanedResourceErrors } from "./terraform-local.ts";

describe("orphanedResourceErrors", () => {
  it("finds the creates that found their resource already in the emulator", () => {
    // Recorded: `kit up` after its environment's state folder was deleted, against moto (the same
    // errors issue 22 reports for a second checkout with a state of its own).
    const output = [
      'module.ecr.aws_ecr_repository.this["kit/go-app"]: Creating...',
      `Error: creating CloudWatch Logs Log Group (/aws/vpc/kit-local/flow-logs): operation error CloudWatch Logs: CreateLogGroup, https response error StatusCode: 400, RequestID: NKK1ojVufFoW6ylWWGR4p4Kv7wQ8TXex83q9nbWt6y2XQMalhn57, ResourceAlreadyExistsException: The specified log group already exists`,
      `Error: creating CloudWatch Logs Log Group (/kit/local/apps): operation error CloudWatch Logs: CreateLogGroup, https response error StatusCode: 400, RequestID: 3SPtvRvdc2LfLxSRNTEB8K8AhjAMBmMuGegODWuVrXeu11vYKUgW, ResourceAlreadyExistsException: The specified log group already exists`,
      `Error: creating ECR Repository (kit/go-app): operation error ECR: CreateRepository, https response error StatusCode: 400, RequestID: 7K7MCQDco84PrOIe2kguNyN8MtdkilYjFTxQe0fEx8e1aaxDglFw, RepositoryAlreadyExistsException: The repository with name 'kit/go-app' already exists in the registry with id '123456789012'`,
      `Error: creating ECR Repository (kit/node-app): operation error ECR: CreateRepository, https response error StatusCode: 400, RequestID: ufcYKNSBkKLZPXBaoT1m7rpqSMiITQyK4mDn7JjmqOFTJ65l7jRR, RepositoryAlreadyExistsException: The repository with name 'kit/node-app' already exists in the registry with id '123456789012'`,
      `Error: creating IAM OIDC Provider: operation error IAM: CreateOpenIDConnectProvider, https response error StatusCode: 409, RequestID: zvecojv7wUGLmSU2MfvLd2TLYk7ApXy78wL2Yu8uemCjJ5RCXkC7, EntityAlreadyExists: Unknown`,
      `Error: creating IAM Role (kit-local-vpc-flow-logs): operation error IAM: CreateRole, https response error StatusCode: 409, RequestID: dJAC6yzv7dbQHZ3wooxlQTdbIYgNAGrAvQXXOsgZ4MSn6bQFsSYh, EntityAlreadyExists: Role with name kit-local-vpc-flow-logs already exists.`,
    ];
    expect(orphanedResourceErrors(output)).toHaveLength(6);
  });

  it("finds nothing in an apply that failed for another reason", () => {
    expect(
      orphanedResourceErrors([
        "│ Error: creating ECR Repository (kit/go-app): operation error ECR: CreateRepository, exceeded maximum number of attempts, 3, https response error StatusCode: 500",
        "│ Error: Unsupported argument",
      ]),
    ).toEqual([]);
  });
});
