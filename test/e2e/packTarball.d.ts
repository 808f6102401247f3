export function packTarball(): string;
export const REPO_ROOT: string;
