export interface Org {
  id: number;
  slug: string;
  name: string;
  createdAt: Date;
  updatedAt: Date | null;
}
