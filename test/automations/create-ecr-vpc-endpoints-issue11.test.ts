/**
 * CreateEcrVpcEndpoints on the issue 11 cases: what it cannot fix (DNS settings, another
 * account's shared VPC) it refuses before any change, naming the setting; what it can fix
 * (a cross-region endpoint, several S3 gateway endpoints) it judges as the rule does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DHCP_ID, dhcpOptions, gatewayEndpoint, IDS, resolverRule, ruleAssociation, VPC_ID } from '../fixtures/ecr-vpc-endpoints/estate.js';
import { baseEstate } from '../fixtures/ecr-vpc-endpoints/estate.js';
import { inputsOf, restoreWorld, run, verdict } from '../fixtures/ecr-vpc-endpoints/runbook.js';
import { mutatingCalls } from '../support/ssm/interpreter.js';

afterEach(restoreWorld);

describe('CreateEcrVpcEndpoints on what it must not change', () => {
  it('custom DHCP DNS servers: fails naming the DHCP options, changes nothing', async () => {
    const estate = baseEstate();
    estate.dhcpOptions = [dhcpOptions(DHCP_ID, ['10.9.0.2', '10.9.0.3'], 'corp.example.com')];
    expect(verdict(estate)).toBe('NON_COMPLIANT');

    const result = await run(estate);

    expect(result.status).toBe('Failed');
    expect(result.executedSteps).toEqual(['PlanEndpoints']);
    expect(result.failureMessage).toContain(`DHCP options ${DHCP_ID} send DNS to 10.9.0.2, 10.9.0.3, not AmazonProvidedDNS`);
    expect(mutatingCalls(result)).toEqual([]);
  });

  it('the same servers passed as TrustedDnsServers (as the rule passes its parameter): nothing to refuse', async () => {
    const estate = baseEstate();
    estate.dhcpOptions = [dhcpOptions(DHCP_ID, ['10.9.0.2', '10.9.0.3'], 'corp.example.com')];

    const result = await run(estate, { TrustedDnsServers: '10.9.0.2,10.9.0.3' });

    expect(result.status, result.failureMessage).toBe('Success');
    expect(mutatingCalls(result)).toEqual([]);
  });

  it('a Resolver FORWARD rule for amazonaws.com: fails naming the rule, changes nothing', async () => {
    const estate = baseEstate();
    estate.resolverRules.push(resolverRule('rslvr-rr-0corp00000000001', 'FORWARD', 'amazonaws.com.', ['10.9.0.2']));
    estate.resolverRuleAssociations.push(ruleAssociation('rslvr-rr-0corp00000000001'));
    expect(verdict(estate)).toBe('NON_COMPLIANT');

    const result = await run(estate);

    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toContain('Route 53 Resolver rule rslvr-rr-0corp00000000001 (FORWARD amazonaws.com.) forwards api.ecr.eu-west-3.amazonaws.com away from the VPC resolver');
    expect(mutatingCalls(result)).toEqual([]);
  });

  it('a VPC shared by its owner: fails naming the owner account, changes nothing', async () => {
    const estate = baseEstate();
    estate.vpcs[0]!.OwnerId = '999988887777';
    estate.endpoints = [];

    const result = await run(estate);

    expect(result.status).toBe('Failed');
    expect(result.failureMessage).toContain(`VPC ${VPC_ID} is shared with this account by its owner 999988887777 (AWS RAM): only the owner can create or change its endpoints`);
    expect(mutatingCalls(result)).toEqual([]);
  });
});

describe('CreateEcrVpcEndpoints judges endpoints as the rule does', () => {
  it('a cross-region ecr.dkr endpoint is not this region\'s: it creates this region\'s, and the rule agrees', async () => {
    const estate = baseEstate();
    const dkr = estate.endpoints.find((e) => e.VpcEndpointId === IDS.dkr)!;
    dkr.ServiceName = 'com.amazonaws.us-east-1.ecr.dkr';
    expect(verdict(estate)).toBe('NON_COMPLIANT');

    const result = await run(estate);

    expect(result.status, result.failureMessage).toBe('Success');
    expect(inputsOf(result, 'CreateVpcEndpoint')).toEqual([expect.objectContaining({ ServiceName: 'com.amazonaws.eu-west-3.ecr.dkr' })]);
    expect(inputsOf(result, 'ModifyVpcEndpoint')).toEqual([]);
    expect(verdict(estate)).toBe('COMPLIANT');
  });

  it('two S3 gateway endpoints covering the workload route tables between them: nothing to change', async () => {
    const estate = baseEstate();
    const rtbC = 'rtb-0c00000000000000c1';
    const shared = estate.routeTables.find((t) => t.RouteTableId === IDS.rtbPrivate)!;
    shared.Associations = shared.Associations!.filter((a) => a.SubnetId !== IDS.subnetC);
    estate.routeTables.push({ RouteTableId: rtbC, VpcId: VPC_ID, Associations: [{ Main: false, SubnetId: IDS.subnetC, RouteTableId: rtbC }], Routes: [] });
    estate.endpoints.push(gatewayEndpoint('vpce-053000000000005e2', [rtbC]));
    expect(verdict(estate)).toBe('COMPLIANT');

    const result = await run(estate);

    expect(result.status, result.failureMessage).toBe('Success');
    expect(mutatingCalls(result)).toEqual([]);
  });

  it('an endpoint missing a workload AZ is left alone by default (resilience is opt-in, as in the rule)', async () => {
    const estate = baseEstate();
    estate.endpoints.find((e) => e.VpcEndpointId === IDS.api)!.SubnetIds = [IDS.subnetA];
    expect(verdict(estate)).toBe('COMPLIANT');

    const result = await run(estate);

    expect(result.status, result.failureMessage).toBe('Success');
    expect(mutatingCalls(result)).toEqual([]);
  });
});
