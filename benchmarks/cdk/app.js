// The peer of the offline plan: the same instance profile as an AWS CDK app, synthesised with
// `cdk synth`. It reads an ssm-profile plan file (PLAN, `plan --format json`) and declares the
// same role, custom policies, attachments and instance profile with CDK's own constructs
// (iam.Role, iam.ManagedPolicy, iam.PolicyStatement, iam.CfnInstanceProfile), so both tools
// do the work of turning the same stack into its documents. See benchmarks/README.md.
const fs = require("fs");
const cdk = require("aws-cdk-lib");
const iam = require("aws-cdk-lib/aws-iam");

const plan = JSON.parse(fs.readFileSync(process.env.PLAN, "utf8"));
const app = new cdk.App();
const stack = new cdk.Stack(app, `ssm-profile-${plan.stack}`);
const of = (type) => plan.resources.filter((r) => r.type === type).map((r) => r.inputs);
const list = (v) => (Array.isArray(v) ? v : [v]);

const [role] = of("aws:iam/role:Role");
const trust = JSON.parse(role.assumeRolePolicy).Statement[0];
const created = new iam.Role(stack, "Role", {
  roleName: role.name,
  path: role.path,
  description: role.description,
  assumedBy: new iam.ServicePrincipal(trust.Principal.Service),
  permissionsBoundary: role.permissionsBoundary
    ? iam.ManagedPolicy.fromManagedPolicyArn(stack, "Boundary", role.permissionsBoundary)
    : undefined,
});
for (const [key, value] of Object.entries(role.tags || {})) cdk.Tags.of(created).add(key, value);

of("aws:iam/policy:Policy").forEach((policy, index) => {
  const statements = JSON.parse(policy.policy).Statement.map(
    (s) =>
      new iam.PolicyStatement({
        sid: s.Sid,
        effect: s.Effect === "Deny" ? iam.Effect.DENY : iam.Effect.ALLOW,
        actions: list(s.Action),
        resources: list(s.Resource),
        conditions: s.Condition,
      }),
  );
  new iam.ManagedPolicy(stack, `Policy${index}`, {
    managedPolicyName: policy.name,
    path: policy.path,
    description: policy.description,
    statements,
    roles: [created],
  });
});
for (const attachment of of("aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
  if (attachment.policyArn.includes(":iam::aws:policy/")) {
    created.addManagedPolicy(
      iam.ManagedPolicy.fromManagedPolicyArn(stack, attachment.policyArn, attachment.policyArn),
    );
  }
}
for (const profile of of("aws:iam/instanceProfile:InstanceProfile")) {
  new iam.CfnInstanceProfile(stack, "InstanceProfile", {
    instanceProfileName: profile.name,
    path: profile.path,
    roles: [created.roleName],
  });
}
app.synth();
