/**
 * Shipped migrations never change: a database at user_version N ran exactly these statements, so an
 * edit would leave old and new stores with different schemas under the same number.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../../../src/main/core/store/migrations';

/** SHA-256 of each shipped migration's SQL, in order. Append here when a new migration ships. */
const SHIPPED = [
  '919e456615920a50ea84a94fd5001ccd21ebc49b9aabd84710b7ac88ac0af71d',
  'bc0d37facbf340d09fa5a60d12546fe8e1cbc91baaccde17bef7bd24155308bb',
  '41647c5071fe5806633e7af36ea9719e1c48464542ceda9f04d2a5f881e4aa89',
  'e9c566e88878c4758b7f1c77846d473c663b233023e3ec295ed2b5927fdfa571',
  '67f9aec5fc186afab3f49884013337634c6e1a487d28c8e460da6f6f059ce488',
  '7126a1314d80257d2d419da53f0c7d787419196685b23bc9eb84069ae0276e73',
  '7efd45069b737f82fdfc1efe4685e9c1f3cb8df72a1d6acd400081dd68692805',
  'b6a7e67041f00794ac5d20f4f803b83b4e87fe406a143555b32e0eeb607c56e5',
  '68a9b711ad7b62da95cf284c6fd0dbab094b8e6ca4640ef2b05d90feb1dd9d05',
  'b4cf08457f446657eae25a9a411fb233bdf757d6ab226b9e981e2254c64335c2',
  '4c4d5bca216586c82b08a437e66b5e103a94362c840a35884c16782cb268f07a',
  'fae6ebadf8dbb95f1dc33235d09f147e1e1ae650734351e3d16f98b3054cc709',
  'f8c683bdf0874b9fafa2ef9f94801d2df82ab03a06a701bd8e32a2630f35a4c8',
  '323f1c0fd5be319053b05a461f08c4d12c1de2086114c877315fd7808037496c',
];

describe('migrations', () => {
  it('keeps every shipped migration byte for byte', () => {
    const hashes = migrations.map((sql) => createHash('sha256').update(sql).digest('hex'));
    expect(hashes.slice(0, SHIPPED.length)).toEqual(SHIPPED);
  });
});
