[assembly: CollectionBehavior(DisableTestParallelization = true)]   // the blocks build and train: one at a time on 2 cores
