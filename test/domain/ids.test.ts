// External ids: built from a UUID, recognised, and a bad UUID caught as the caller bug it is.
import { isExternalId, newExternalId } from '../../src/domain/ids';

describe('newExternalId', () => {
  it.each([
    ['0f8fad5b-d9cb-469f-a165-70867728950e', 'r-0f8fad5bd9cb469f'],
    ['0F8FAD5B-D9CB-469F-A165-70867728950E', 'r-0f8fad5bd9cb469f'],
    ['7c9e6679742540de944be07fc1f90ae7', 'r-7c9e6679742540de'],
  ])('%p → %p', (uuid, id) => {
    expect(newExternalId(uuid)).toBe(id);
    expect(isExternalId(newExternalId(uuid))).toBe(true);
  });

  it('throws on something that is not a UUID', () => {
    expect(() => newExternalId('not-a-uuid')).toThrow('not a UUID: not-a-uuid');
  });
});

describe('isExternalId', () => {
  it.each<[unknown, boolean]>([
    ['r-0f8fad5bd9cb469f', true],
    [' r-0f8fad5bd9cb469f ', true],
    ['r-0F8FAD5BD9CB469F', false],
    ['r-0f8fad5bd9cb469', false],
    ['r-0f8fad5bd9cb469fa', false],
    ['0f8fad5bd9cb469f', false],
    ['', false],
    [12345, false],
    [null, false],
  ])('%p → %p', (value, expected) => {
    expect(isExternalId(value)).toBe(expected);
  });
});
