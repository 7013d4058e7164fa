/**
 * `admin` and `owner` are the "admin" workspace roles of seed 002: the people the notifier writes to, whom the
 * members GSI3 indexes. One definition, below the layers, so the data layer's index and the domain agree.
 */
export const isAdminRole = (roleId: string): boolean => roleId === 'owner' || roleId === 'admin';
